// Regenerates docs/events.md: node --import ./libs/contracts/src/cli/resolve-ts.mjs libs/contracts/src/cli/docs.cli.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EVENTS_DOC_PATH, renderEventsDoc } from '../docs/events-doc.js';

mkdirSync(dirname(EVENTS_DOC_PATH), { recursive: true });
writeFileSync(EVENTS_DOC_PATH, renderEventsDoc());
console.log(`wrote ${EVENTS_DOC_PATH}`);
