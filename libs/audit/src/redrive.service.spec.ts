import { exampleEvent } from '@app/contracts';
import { DLQ_HEADER, EVENT_HEADER, EventSchemasService, exampleDeadLetter } from '@app/messaging';
import { AuditErrorCode } from './audit.exception.js';
import { EventLogEntry } from './entities/event-log-entry.entity.js';
import { checkDeadLetter } from './redrive.service.js';

const PREFIX = 't.unit.';
const TENANT = '0190a3f2-0000-7000-8000-000000000001';
const schemas = new EventSchemasService();

/** A dead letter as the log holds it: billing parked a payment.received from `source` carrying `data`. */
function logged(source = 'billing', data?: object): EventLogEntry {
  const letter = exampleDeadLetter('payment.received', source, PREFIX, { tenantId: TENANT, data });
  return Object.assign(new EventLogEntry(), {
    id: '42',
    eventId: letter.headers[EVENT_HEADER.id],
    type: 'payment.received',
    topic: letter.topic,
    recordKey: letter.key,
    tenantId: TENANT,
    headers: { ...letter.headers, [DLQ_HEADER.error]: 'rejected' },
    payload: JSON.parse(letter.value) as unknown,
    rawValue: letter.value,
    isDeadLetter: true,
    ingestError: null,
  });
}

const withHeader = (letter: EventLogEntry, name: string, value: string): EventLogEntry =>
  Object.assign(new EventLogEntry(), letter, { headers: { ...letter.headers, [name]: value } });

const outcome = (letter: EventLogEntry, redriven = false): string => {
  const checked = checkDeadLetter(letter, redriven, PREFIX, schemas);
  return checked.ok ? `to ${checked.target}` : `${checked.code}: ${checked.detail}`;
};

describe(checkDeadLetter.name, () => {
  it('lets a whole, genuine dead letter go back to its topic, keyed as it was, unchanged', () => {
    const letter = logged();
    const checked = checkDeadLetter(letter, false, PREFIX, schemas);
    expect(checked).toEqual({
      ok: true,
      letter,
      target: `${PREFIX}payment.received`,
      dead: { topic: letter.topic, key: letter.recordKey, value: letter.rawValue, headers: letter.headers },
    });
  });

  it('refuses each record that may not go back, with the reason', () => {
    const refused = AuditErrorCode.RedriveRefused;
    const valid = logged();
    const cases: [string, EventLogEntry, boolean, string][] = [
      [
        'redriven before',
        valid,
        true,
        `${AuditErrorCode.AlreadyRedriven}: dead letter 42 was already redriven`,
      ],
      [
        'no value',
        Object.assign(new EventLogEntry(), valid, { rawValue: null, payload: null }),
        false,
        `${refused}: the dead letter has no value to send`,
      ],
      [
        'an id the outbox cannot carry',
        withHeader(valid, EVENT_HEADER.id, 'not-a-uuid'),
        false,
        `${refused}: its ce_id header is not a uuid`,
      ],
      [
        'logged in part',
        Object.assign(new EventLogEntry(), valid, { ingestError: 'invalid byte sequence' }),
        false,
        `${refused}: the log holds only part of this record`,
      ],
      [
        'a forged producer',
        logged('notifications'),
        false,
        `${refused}: payment.received is published by billing, but its ce_source is notifications`,
      ],
      [
        'another original topic',
        withHeader(valid, DLQ_HEADER.originalTopic, `${PREFIX}order.created`),
        false,
        `${refused}: its dlq_original_topic header names ${PREFIX}order.created, but a dead letter on ` +
          `${PREFIX}payment.received.dlq can only go back to ${PREFIX}payment.received`,
      ],
      [
        'at the redrive cap',
        withHeader(valid, DLQ_HEADER.redriveCount, '3'),
        false,
        `${refused}: already redriven 3 times (cap 3)`,
      ],
      [
        'a redrive count that is no count',
        withHeader(valid, DLQ_HEADER.redriveCount, 'NaN'),
        false,
        `${refused}: its dlq_redrive_count header is not a count`,
      ],
    ];
    for (const [name, letter, redriven, expected] of cases) {
      expect({ name, outcome: outcome(letter, redriven) }).toEqual({ name, outcome: expected });
    }
    expect(outcome(logged('billing', { ...exampleEvent('payment.received'), amountMinor: 'x' }))).toMatch(
      /^redrive-refused: it fails the schema of payment\.received: .*amountMinor/,
    );
    expect(outcome(withHeader(valid, DLQ_HEADER.redriveCount, '2'))).toBe(`to ${PREFIX}payment.received`);
  });

  it('keys a record that had no key by its tenant', () => {
    const checked = checkDeadLetter(
      Object.assign(new EventLogEntry(), logged(), { recordKey: null }),
      false,
      PREFIX,
      schemas,
    );
    expect(checked.ok && checked.dead.key).toBe(TENANT);
  });
});
