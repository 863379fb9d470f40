import { readFileSync } from 'node:fs';
import { EVENT_TYPES } from '../event-catalog.js';
import { EVENTS_DOC_PATH, renderEventsDoc } from './events-doc.js';

describe(renderEventsDoc.name, () => {
  it('matches docs/events.md (run: node --import ./libs/contracts/src/cli/resolve-ts.mjs libs/contracts/src/cli/docs.cli.ts)', () => {
    expect(readFileSync(EVENTS_DOC_PATH, 'utf8')).toBe(renderEventsDoc());
  });

  it('documents every event with its topics and example', () => {
    const doc = renderEventsDoc();
    for (const type of EVENT_TYPES) {
      expect(doc).toContain(`### ${type}\n`);
      expect(doc).toContain(`| DLQ topic | \`${type}.dlq\` |`);
    }
    expect(doc).toContain('| `lines[].unitPriceMinor` | integer (≥ 0) | yes | Price of one unit. |');
    expect(doc).toContain(
      '| `locale` | string (pattern `^[a-z]{2}(-[A-Z]{2})?$`) | no | BCP 47 language. Default: `"en"`. |',
    );
    expect(doc).toContain('- v2: Adds the required setupFeeMinor;');
  });
});
