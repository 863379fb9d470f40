import { exampleEvent, type EventType } from '@app/contracts';
import type { DeadLetter } from '../consumer/dlq-redrive.js';
import { DLQ_HEADER } from '../consumer/dlq.headers.js';
import { encodeEnvelope } from '../envelope/envelope.codec.js';

export interface ExampleDeadLetterOptions {
  id?: string;
  tenantId?: string;
  /** The payload; by default the catalog's example of the type. */
  data?: object;
}

/**
 * Test factory: a record as the producer of `type` writes it, but claiming to come from `source`, parked on the
 * DLQ of `type`'s topic with the header naming that topic (the other dlq_* headers are the caller's to add).
 */
export function exampleDeadLetter(
  type: EventType,
  source: string,
  topicPrefix: string,
  {
    id = '0190a3f2-0000-7000-8000-0000000000aa',
    tenantId = '0190a3f2-0000-7000-8000-000000000001',
    data,
  }: ExampleDeadLetterOptions = {},
): DeadLetter {
  const record = encodeEnvelope({
    id,
    type,
    specversion: '1.0',
    source: source as 'billing',
    time: '2026-01-01T00:00:00.000Z',
    subject: 'subject',
    version: 1,
    tenantid: tenantId,
    correlationid: id,
    data: (data ?? exampleEvent(type)) as never,
  });
  return {
    topic: `${topicPrefix}${type}.dlq`,
    key: record.key,
    value: record.value,
    headers: { ...record.headers, [DLQ_HEADER.originalTopic]: `${topicPrefix}${type}` },
  };
}
