import type { EventData, EventType } from './event-catalog.js';
import type { SourceModule } from './source-modules.js';

/**
 * A CloudEvents 1.0 style envelope. Attribute names stay lowercase without separators because CloudEvents
 * extension attributes must, which lets libs/messaging map each one to a `ce_<name>` header unchanged.
 */
export interface EventEnvelope<T extends EventType = EventType> {
  /** UUIDv7, so ids sort by creation time and double as the inbox deduplication key. */
  readonly id: string;
  readonly type: T;
  readonly specversion: '1.0';
  readonly source: SourceModule;
  /** ISO 8601 instant at which the fact became true (the outbox insert), not when it was relayed. */
  readonly time: string;
  /** Id of the aggregate the event is about; see `eventDefinition(type).subject`. */
  readonly subject: string;
  /** Major version of the `data` schema; consumers upcast older versions before handling. */
  readonly version: number;
  /** Hosting provider the event belongs to; also the Kafka partition key so a tenant's events stay ordered. */
  readonly tenantid: string;
  readonly correlationid: string;
  /** Id of the event that caused this one, absent for events caused by an HTTP request. */
  readonly causationid?: string;
  /** W3C trace context, so a trace crosses the broker. */
  readonly traceparent?: string;
  readonly data: EventData<T>;
}

/** Discriminated union of all envelopes: narrowing on `type` narrows `data`, e.g. in the audit consumer. */
export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];
