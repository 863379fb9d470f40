import { exampleEvent, type EventEnvelope } from '@app/contracts';
import { DLQ_HEADER, encodeEnvelope, type TappedRecord } from '@app/messaging';
import { degradedRow, storable, toLogRow, typeOfTopic } from './event-log.record.js';

const PREFIX = 't.audit.1234.';

const envelope: EventEnvelope<'order.created'> = {
  id: '0192f0a4-3b1e-7c2d-8e4f-000000000001',
  type: 'order.created',
  specversion: '1.0',
  source: 'orders',
  time: '2026-11-27T10:00:00.000Z',
  subject: 'order-1',
  version: 2,
  tenantid: '0192f0a4-3b1e-7c2d-8e4f-00000000000a',
  correlationid: '0192f0a4-3b1e-7c2d-8e4f-000000000001',
  data: exampleEvent('order.created'),
};

function tapped(overrides: Partial<TappedRecord> = {}): TappedRecord {
  const encoded = encodeEnvelope(envelope);
  return {
    topic: `${PREFIX}order.created`,
    partition: 1,
    offset: '17',
    key: encoded.key,
    headers: encoded.headers,
    value: encoded.value,
    timestamp: '1795000000000',
    ...overrides,
  };
}

describe(toLogRow.name, () => {
  it('lifts the envelope headers into columns and keeps the JSON payload', () => {
    const row = toLogRow(tapped(), PREFIX);
    expect(row).toMatchObject({
      eventId: envelope.id,
      type: 'order.created',
      version: 2,
      source: 'orders',
      topic: `${PREFIX}order.created`,
      partition: 1,
      offset: '17',
      recordKey: envelope.tenantid,
      tenantId: envelope.tenantid,
      correlationId: envelope.correlationid,
      causationId: null,
      orderId: envelope.data.orderId,
      isDeadLetter: false,
      dlqError: null,
      redriveCount: 0,
      rawValue: null,
    });
    expect(row.occurredAt.toISOString()).toBe(envelope.time);
    expect(row.recordTimestamp?.getTime()).toBe(1795000000000);
    expect(JSON.parse(row.payload ?? '')).toEqual(envelope.data);
    expect(row.headers.ce_type).toBe('order.created');
  });

  it('reads a dead letter’s reason from its dlq_* headers and keeps its value verbatim for a redrive', () => {
    const base = tapped();
    const value = '{ "orderId" : "x" }';
    const row = toLogRow(
      tapped({
        topic: `${PREFIX}order.created.dlq`,
        value,
        headers: {
          ...base.headers,
          [DLQ_HEADER.originalTopic]: `${PREFIX}order.created`,
          [DLQ_HEADER.originalPartition]: '1',
          [DLQ_HEADER.originalOffset]: '17',
          [DLQ_HEADER.error]: 'rejected: no',
          [DLQ_HEADER.attempts]: '5',
          [DLQ_HEADER.consumerGroup]: 'platforma.billing',
          [DLQ_HEADER.firstFailureTime]: '2026-11-27T10:00:01.000Z',
          [DLQ_HEADER.redriveCount]: '1',
        },
      }),
      PREFIX,
    );
    expect(row).toMatchObject({
      type: 'order.created',
      isDeadLetter: true,
      dlqError: 'rejected: no',
      dlqAttempts: 5,
      dlqConsumerGroup: 'platforma.billing',
      dlqOriginalTopic: `${PREFIX}order.created`,
      dlqOriginalPartition: 1,
      dlqOriginalOffset: '17',
      redriveCount: 1,
      rawValue: value,
      orderId: 'x',
    });
    expect(row.dlqFirstFailureAt?.toISOString()).toBe('2026-11-27T10:00:01.000Z');
  });

  it('logs a record that is not an event at all: no headers, a value that is not JSON', () => {
    const row = toLogRow(
      {
        topic: `${PREFIX}payment.received`,
        partition: 0,
        offset: '3',
        key: null,
        headers: {},
        value: '{"a": ',
        timestamp: '1795000000000',
      },
      PREFIX,
    );
    expect(row).toMatchObject({
      eventId: null,
      type: 'payment.received',
      version: null,
      tenantId: null,
      payload: null,
      rawValue: '{"a": ',
      orderId: null,
    });
    expect(row.occurredAt.getTime()).toBe(1795000000000);
  });

  it('ignores unreadable headers instead of failing: bad time, version, dlq numbers outside a DLQ', () => {
    const base = tapped();
    const row = toLogRow(
      tapped({
        headers: {
          ...base.headers,
          ce_time: 'yesterday',
          ce_version: 'two',
          [DLQ_HEADER.attempts]: '5',
          [DLQ_HEADER.redriveCount]: '-1',
        },
      }),
      PREFIX,
    );
    expect(row.occurredAt.getTime()).toBe(1795000000000);
    expect(row.version).toBeNull();
    expect(row.dlqAttempts).toBeNull();
    expect(row.redriveCount).toBe(0);
  });

  it('replaces what PostgreSQL cannot store (NUL, lone surrogates) and keeps JSON null as raw text', () => {
    const row = toLogRow(tapped({ value: '{"note":"a\\u0000b\\ud800"}', key: 'k\u0000' }), PREFIX);
    expect(JSON.parse(row.payload ?? '')).toEqual({ note: 'a\uFFFDb\uFFFD' });
    expect(row.recordKey).toBe('k\uFFFD');
    const nullJson = toLogRow(tapped({ value: 'null' }), PREFIX);
    expect(nullJson).toMatchObject({ payload: null, rawValue: 'null' });
  });
});

describe(typeOfTopic.name, () => {
  it('strips the environment prefix and the DLQ suffix', () => {
    expect(typeOfTopic(`${PREFIX}invoice.paid.dlq`, PREFIX)).toBe('invoice.paid');
    expect(typeOfTopic('invoice.paid', '')).toBe('invoice.paid');
  });
});

describe(degradedRow.name, () => {
  it('keeps the position and identity but drops the content, saying why', () => {
    const row = degradedRow(toLogRow(tapped(), PREFIX), 'x'.repeat(2_000));
    expect(row).toMatchObject({ headers: {}, payload: null, rawValue: null, eventId: envelope.id });
    expect(row.ingestError).toHaveLength(1_000);
    expect(storable('ok')).toBe('ok');
  });
});
