import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_DEFINITIONS } from '../event-catalog.js';
import { versionsOf } from '../events/event-definition.js';
import { schemaKey, type JsonSchema, type SchemaSet } from './json-schema.js';

export const RELEASED_SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/released/', import.meta.url));

/** Every version of every event as the plain JSON Schema that gets published and snapshotted. */
export function currentSchemas(): SchemaSet {
  return Object.fromEntries(
    EVENT_DEFINITIONS.flatMap((definition) =>
      versionsOf(definition).map((version) => [
        schemaKey(definition.type, version.version),
        toPlainJson(version.schema),
      ]),
    ),
  );
}

function toPlainJson(schema: object): JsonSchema {
  // Identification first so a snapshot file reads like a JSON Schema document; JSON drops TypeBox's symbols.
  const { $schema, $id, title, description, ...rest } = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  return { $schema, $id, title, description, ...rest };
}

/** The snapshot file's exact content, so an unchanged schema rewrites to identical bytes. */
export function serializeSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export function readReleasedSchemas(dir = RELEASED_SCHEMAS_DIR): SchemaSet {
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  return Object.fromEntries(
    files.map((file) => [
      file.slice(0, -'.json'.length),
      JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema,
    ]),
  );
}
