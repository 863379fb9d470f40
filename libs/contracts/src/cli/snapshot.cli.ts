// Records the current schemas as released: node --import ./libs/contracts/src/cli/resolve-ts.mjs libs/contracts/src/cli/snapshot.cli.ts
// Refuses to overwrite a released schema with an incompatible one; a breaking change needs a new version.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RELEASED_SCHEMAS_DIR,
  currentSchemas,
  readReleasedSchemas,
  serializeSchema,
} from '../compatibility/released-schemas.js';
import { checkCompatibility } from '../compatibility/compatibility.js';
import { RETIRED_EVENT_TYPES } from '../events/retired-events.js';

mkdirSync(RELEASED_SCHEMAS_DIR, { recursive: true });
const current = currentSchemas();
const violations = checkCompatibility(readReleasedSchemas(), current, RETIRED_EVENT_TYPES);
if (violations.length > 0) {
  console.error(`Not snapshotting: ${violations.length} incompatible change(s) to released schemas.`);
  console.error('Revert them, or put the change in a new major version with an upcaster.\n');
  console.error(violations.map((violation) => `  - ${violation}`).join('\n'));
  process.exitCode = 1;
} else {
  let written = 0;
  for (const [key, schema] of Object.entries(current)) {
    const file = join(RELEASED_SCHEMAS_DIR, `${key}.json`);
    const content = serializeSchema(schema);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) {
      writeFileSync(file, content);
      console.log(`wrote ${key}.json`);
      written++;
    }
  }
  console.log(`${written} schema(s) written, ${Object.keys(current).length - written} unchanged.`);
}
