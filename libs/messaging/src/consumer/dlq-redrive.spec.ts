import { exampleEvent, type EventType } from '@app/contracts';
import { exampleDeadLetter } from '../testing/dead-letter.factory.js';
import { EventSchemasService } from '../validation/event-schemas.service.js';
import { type DeadLetter, redriveTarget } from './dlq-redrive.js';
import { DLQ_HEADER } from './dlq.headers.js';

const PREFIX = 't.unit.';
const TENANT = '0190a3f2-0000-7000-8000-000000000001';
const schemas = new EventSchemasService();

/** A dead letter as a consumer of `type` parks it: the record unchanged, on `type`'s DLQ, naming `type`'s topic. */
const deadLetter = (type: EventType, source: string, data?: object): DeadLetter =>
  exampleDeadLetter(type, source, PREFIX, { tenantId: TENANT, data });

const refusal = (letter: DeadLetter): string => {
  try {
    return `accepted for ${redriveTarget(letter, PREFIX, schemas)}`;
  } catch (error) {
    return (error as Error).message;
  }
};

describe(redriveTarget.name, () => {
  it('sends a dead letter back to the topic whose DLQ holds it', () => {
    expect(redriveTarget(deadLetter('payment.received', 'billing'), PREFIX, schemas)).toBe(
      `${PREFIX}payment.received`,
    );
  });

  it('lets neither the header nor the DLQ name point outside the catalog or at another topic', () => {
    const letter = deadLetter('payment.received', 'billing');
    expect(refusal({ ...letter, topic: `${PREFIX}notification.requested.dlq` })).toBe(
      `its ${DLQ_HEADER.originalTopic} header names ${PREFIX}payment.received, but a dead letter on ` +
        `${PREFIX}notification.requested.dlq can only go back to ${PREFIX}notification.requested`,
    );
    for (const topic of [`${PREFIX}payment.received`, `${PREFIX}admin.dlq`, `other.payment.received.dlq`]) {
      expect(refusal({ ...letter, topic })).toBe(`${topic} is not the DLQ of a catalog topic`);
    }
    const { [DLQ_HEADER.originalTopic]: _named, ...headers } = letter.headers;
    expect(refusal({ ...letter, headers })).toMatch(/header dlq_original_topic is missing/);
  });

  it('takes only an event of its topic’s type, from its catalog source, that its schema accepts', () => {
    const letter = deadLetter('payment.received', 'billing');
    expect(
      refusal({
        ...letter,
        topic: `${PREFIX}order.created.dlq`,
        headers: {
          ...letter.headers,
          [DLQ_HEADER.originalTopic]: `${PREFIX}order.created`,
        },
      }),
    ).toBe(`it is a payment.received, but ${PREFIX}order.created carries only order.created`);
    expect(refusal(deadLetter('payment.received', 'notifications'))).toBe(
      'payment.received is published by billing, but its ce_source is notifications',
    );
    expect(
      refusal(
        deadLetter('payment.received', 'billing', { ...exampleEvent('payment.received'), amountMinor: 'x' }),
      ),
    ).toMatch(/^it fails the schema of payment\.received: .*amountMinor/);
    expect(refusal({ ...letter, value: 'not json' })).toMatch(/^not an event: value is not JSON/);
    expect(refusal({ ...letter, key: 'someone else' })).toMatch(/^not an event: record key/);
  });
});
