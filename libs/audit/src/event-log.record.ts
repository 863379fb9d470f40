import { DLQ_HEADER, EVENT_HEADER, type TappedRecord } from '@app/messaging';

/** A row of audit.event_log before the database gave it an id and a recorded_at. */
export interface NewLogRow {
  eventId: string | null;
  type: string;
  version: number | null;
  source: string | null;
  subject: string | null;
  topic: string;
  partition: number;
  offset: string;
  recordKey: string | null;
  tenantId: string | null;
  correlationId: string | null;
  causationId: string | null;
  orderId: string | null;
  occurredAt: Date;
  recordTimestamp: Date | null;
  headers: Record<string, string>;
  /** JSON text of the parsed value, or null when the value is not JSON. */
  payload: string | null;
  rawValue: string | null;
  isDeadLetter: boolean;
  dlqError: string | null;
  dlqAttempts: number | null;
  dlqConsumerGroup: string | null;
  dlqOriginalTopic: string | null;
  dlqOriginalPartition: number | null;
  dlqOriginalOffset: string | null;
  dlqFirstFailureAt: Date | null;
  redriveCount: number;
  ingestError: string | null;
}

export const DLQ_SUFFIX = '.dlq';

/**
 * PostgreSQL stores neither NUL characters in text nor unpaired surrogates in jsonb; a record carrying them is
 * still logged, with U+FFFD in their place.
 */
export function storable(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

function storableJson(value: unknown): unknown {
  if (typeof value === 'string') {
    return storable(value);
  }
  if (Array.isArray(value)) {
    return value.map(storableJson);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storableJson(v)]));
  }
  return value;
}

const INT32_MAX = 2 ** 31 - 1;

function int(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,10}$/.test(text)) {
    return null;
  }
  const n = Number(text);
  return n <= INT32_MAX ? n : null;
}

function offsetOf(text: string | undefined): string | null {
  return text !== undefined && /^\d{1,18}$/.test(text) ? text : null;
}

function instant(text: string | undefined): Date | null {
  if (!text) {
    return null;
  }
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  const date = new Date(ms);
  return Number.isFinite(ms) && !Number.isNaN(date.getTime()) ? date : null;
}

function parseJson(value: string | null): unknown {
  if (value === null) {
    return undefined;
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** The event type a topic carries: its name without the environment prefix and the DLQ suffix. */
export function typeOfTopic(topic: string, topicPrefix: string): string {
  const bare = topic.startsWith(topicPrefix) ? topic.slice(topicPrefix.length) : topic;
  return bare.endsWith(DLQ_SUFFIX) ? bare.slice(0, -DLQ_SUFFIX.length) : bare;
}

/**
 * What the log keeps of a record: the envelope headers lifted into columns for querying, the value as JSON when it
 * is JSON (text otherwise), and for a dead letter the reason it was parked. Nothing here can fail on a malformed
 * record: a missing or unreadable header leaves its column null.
 */
export function toLogRow(record: TappedRecord, topicPrefix: string, now = new Date()): NewLogRow {
  const headers = Object.fromEntries(
    Object.entries(record.headers).map(([name, value]) => [storable(name), storable(value)]),
  );
  const h = (name: string): string | null => headers[name] || null;
  const value = record.value === null ? null : storable(record.value);
  const parsed = parseJson(value);
  const json = parsed !== undefined && parsed !== null ? storableJson(parsed) : undefined;
  const data = json !== undefined && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
  const isDeadLetter = record.topic.endsWith(DLQ_SUFFIX);
  const recordTimestamp = instant(record.timestamp);
  const dlq = (name: string): string | undefined => (isDeadLetter ? (headers[name] ?? undefined) : undefined);
  return {
    eventId: h(EVENT_HEADER.id),
    type: h(EVENT_HEADER.type) ?? typeOfTopic(record.topic, topicPrefix),
    version: int(headers[EVENT_HEADER.version]),
    source: h(EVENT_HEADER.source),
    subject: h(EVENT_HEADER.subject),
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    recordKey: record.key === null ? null : storable(record.key),
    tenantId: h(EVENT_HEADER.tenantid),
    correlationId: h(EVENT_HEADER.correlationid),
    causationId: h(EVENT_HEADER.causationid),
    orderId: data && !Array.isArray(data) && typeof data.orderId === 'string' ? data.orderId : null,
    occurredAt: instant(headers[EVENT_HEADER.time]) ?? recordTimestamp ?? now,
    recordTimestamp,
    headers,
    payload: json === undefined ? null : JSON.stringify(json),
    rawValue: json === undefined || isDeadLetter ? value : null,
    isDeadLetter,
    dlqError: dlq(DLQ_HEADER.error) ?? null,
    dlqAttempts: int(dlq(DLQ_HEADER.attempts)),
    dlqConsumerGroup: dlq(DLQ_HEADER.consumerGroup) ?? null,
    dlqOriginalTopic: dlq(DLQ_HEADER.originalTopic) ?? null,
    dlqOriginalPartition: int(dlq(DLQ_HEADER.originalPartition)),
    dlqOriginalOffset: offsetOf(dlq(DLQ_HEADER.originalOffset)),
    dlqFirstFailureAt: instant(dlq(DLQ_HEADER.firstFailureTime)),
    redriveCount: int(headers[DLQ_HEADER.redriveCount]) ?? 0,
    ingestError: null,
  };
}

/** The part of a row that can always be stored, for a record whose full row the database refused. */
export function degradedRow(row: NewLogRow, error: string): NewLogRow {
  return { ...row, headers: {}, payload: null, rawValue: null, ingestError: error.slice(0, 1_000) };
}
