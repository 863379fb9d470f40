import type { EventEnvelope, EventType } from '@app/contracts';

/** CloudEvents Kafka binding (binary mode): attributes travel as `ce_*` headers, the body is the data as JSON. */
export const HEADER = {
  id: 'ce_id',
  type: 'ce_type',
  specversion: 'ce_specversion',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  version: 'ce_version',
  tenantid: 'ce_tenantid',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;

export type KafkaHeaders = Record<string, string>;

export interface EncodedRecord {
  key: string;
  value: string;
  headers: KafkaHeaders;
}

export function encodeEnvelope(envelope: EventEnvelope): EncodedRecord {
  const headers: KafkaHeaders = {
    [HEADER.id]: envelope.id,
    [HEADER.type]: envelope.type,
    [HEADER.specversion]: envelope.specversion,
    [HEADER.source]: envelope.source,
    [HEADER.time]: envelope.time,
    [HEADER.subject]: envelope.subject,
    [HEADER.version]: String(envelope.version),
    [HEADER.tenantid]: envelope.tenantid,
    [HEADER.correlationid]: envelope.correlationid,
    [HEADER.contentType]: 'application/json',
  };
  if (envelope.causationid) {
    headers[HEADER.causationid] = envelope.causationid;
  }
  if (envelope.traceparent) {
    headers[HEADER.traceparent] = envelope.traceparent;
  }
  return { key: envelope.tenantid, value: JSON.stringify(envelope.data), headers };
}

/** A record that cannot be read as an event at all: permanent, it goes to the DLQ with this reason. */
export class MalformedRecordError extends Error {
  override readonly name = 'MalformedRecordError';
}

export interface RawRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export function headerString(headers: RawRecord['headers'], name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/** Reads the envelope of a consumed record; the data is parsed but not yet validated against its schema. */
export type DecodedEnvelope = Omit<EventEnvelope, 'data' | 'source'> & { source: string; data: unknown };

export function decodeEnvelope(record: RawRecord): DecodedEnvelope {
  const h = (name: string): string => {
    const value = headerString(record.headers, name);
    if (!value) {
      throw new MalformedRecordError(`missing header ${name}`);
    }
    return value;
  };
  const version = Number(h(HEADER.version));
  if (!Number.isInteger(version) || version < 1) {
    throw new MalformedRecordError(`header ${HEADER.version} is not a positive integer`);
  }
  const key = record.key?.toString();
  const tenantid = h(HEADER.tenantid);
  if (key !== tenantid) {
    throw new MalformedRecordError(`record key ${JSON.stringify(key)} is not the tenant id`);
  }
  if (record.value === null) {
    throw new MalformedRecordError('record has no value');
  }
  let data: unknown;
  try {
    data = JSON.parse(record.value.toString());
  } catch (error) {
    throw new MalformedRecordError(`value is not JSON: ${(error as Error).message}`);
  }
  return {
    id: h(HEADER.id),
    type: h(HEADER.type) as EventType,
    specversion: '1.0',
    source: h(HEADER.source),
    time: h(HEADER.time),
    subject: h(HEADER.subject),
    version,
    tenantid,
    correlationid: h(HEADER.correlationid),
    causationid: headerString(record.headers, HEADER.causationid),
    traceparent: headerString(record.headers, HEADER.traceparent),
    data,
  };
}
