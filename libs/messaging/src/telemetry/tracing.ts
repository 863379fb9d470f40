import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { HEADER, headerString, type KafkaHeaders, type RawRecord } from '../envelope/envelope.codec.js';
import type { LogFields } from './log-context.js';

/**
 * The platform's own spans around the Kafka hops; @opentelemetry/instrumentation-kafkajs (kafkajs-instrumentation.ts)
 * adds kafkajs's `send` and `process` spans. A relay sends rows of many requests in one produce request, each of
 * which must continue its own trace (the traceparent stored in its outbox row):
 * - `publish <topic>`, one per row, child of the request or handler that wrote it; the record carries it;
 * - `relay <module>`, one per produce request, parent of kafkajs's `send` spans, each linked to its row's `publish`
 *   (the instrumentation would carry the batch's context; restoreRecordTrace puts the row's back);
 * - `handle <topic>`, the module's handling of a record, below kafkajs's `process` span, which continues the
 *   record's traceparent.
 */
const tracer = () => trace.getTracer('@app/messaging');

/** The active span as a W3C traceparent: events published in a request or a handler continue its trace. */
export function activeTraceparent(): string | undefined {
  return traceparentIn(context.active());
}

function traceparentIn(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

function extracted(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

export interface OutgoingRow {
  topic: string;
  key: string;
  headers: KafkaHeaders;
}

/**
 * The producer span of one outbox row, child of the request or handler that wrote it. The record carries this
 * span as its traceparent, so the consumers' spans hang below the hop.
 */
export function startPublishSpan(module: string, row: OutgoingRow): { span: Span; traceparent?: string } {
  const span = tracer().startSpan(
    `publish ${row.topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'publish',
        'messaging.destination.name': row.topic,
        'messaging.kafka.message.key': row.key,
        'messaging.message.id': row.headers[HEADER.id],
        'platforma.module': module,
        'platforma.event.type': row.headers[HEADER.type],
      },
    },
    extracted(row.headers[HEADER.traceparent]),
  );
  const traceparent = traceparentIn(trace.setSpan(ROOT_CONTEXT, span)) ?? row.headers[HEADER.traceparent];
  return { span, traceparent };
}

/** The span of one produce request of a relay, linked to the publish span of every row it carries. */
export function startRelaySpan(module: string, hops: { traceparent?: string }[]): Span {
  return tracer().startSpan(
    `relay ${module}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { 'platforma.module': module, 'messaging.batch.message_count': hops.length },
      links: hops.flatMap(({ traceparent }) => {
        const linked = trace.getSpanContext(extracted(traceparent));
        return linked ? [{ context: linked }] : [];
      }),
    },
    ROOT_CONTEXT,
  );
}

export function inSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** The traceparent a record was given before the kafkajs instrumentation writes the send span's into it. */
const recordTraces = new WeakMap<object, string>();

export function keepRecordTrace(message: object, traceparent: string | undefined): void {
  if (traceparent) {
    recordTraces.set(message, traceparent);
  }
}

/**
 * The instrumentation's producer hook: a record handed to EventProducer keeps its own traceparent (its consumers
 * continue the trace of the row it came from) and kafkajs's send span links to it.
 */
export function restoreRecordTrace(
  span: Span,
  info: { message: { headers?: Record<string, unknown> } },
): void {
  const traceparent = recordTraces.get(info.message);
  if (!traceparent || !info.message.headers) {
    return;
  }
  info.message.headers[HEADER.traceparent] = traceparent;
  const linked = trace.getSpanContext(extracted(traceparent));
  if (linked) {
    span.addLink({ context: linked });
  }
  const id = info.message.headers[HEADER.id];
  if (typeof id === 'string') {
    span.setAttribute('messaging.message.id', id);
  }
}

export function failSpan(span: Span, error: Error): void {
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

export function endSpan(span: Span, error?: Error): void {
  if (error) {
    failSpan(span, error);
  }
  span.end();
}

export interface ConsumedRecord {
  module: string;
  group: string;
  topic: string;
  partition: number;
  offset: string;
  key: RawRecord['key'];
  headers: RawRecord['headers'];
}

/** Read from the headers, so a record that is malformed otherwise still logs its correlation and tenant. */
export function consumedLogFields(headers: RawRecord['headers']): LogFields {
  return {
    correlationId: headerString(headers, HEADER.correlationid),
    tenantId: headerString(headers, HEADER.tenantid),
  };
}

/** Marks the span of the record being handled (a duplicate, a dead letter, …). */
export function annotateActiveSpan(attributes: Attributes, error?: Error): void {
  const span = trace.getActiveSpan();
  span?.setAttributes(attributes);
  if (span && error) {
    failSpan(span, error);
  }
}

/**
 * Runs one record's handling inside a `handle <topic>` span: a child of the instrumentation's `process` span when
 * that span (of the record's trace) is active, else a consumer span of its own, child of the record's traceparent.
 */
export function withConsumerSpan<T>(record: ConsumedRecord, work: (span: Span) => Promise<T>): Promise<T> {
  const header = (name: string) => headerString(record.headers, name);
  const remote = extracted(header(HEADER.traceparent));
  const active = context.active();
  const activeTrace = trace.getSpanContext(active)?.traceId;
  const nested = activeTrace !== undefined && activeTrace === trace.getSpanContext(remote)?.traceId;
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': record.topic,
    'messaging.destination.partition.id': String(record.partition),
    'messaging.kafka.offset': Number(record.offset),
    'messaging.consumer.group.name': record.group,
    'messaging.kafka.message.key': record.key?.toString(),
    'messaging.message.id': header(HEADER.id),
    'messaging.message.conversation_id': header(HEADER.correlationid),
    'platforma.module': record.module,
    'platforma.event.type': header(HEADER.type),
    'platforma.tenant_id': header(HEADER.tenantid),
  };
  return tracer().startActiveSpan(
    `handle ${record.topic}`,
    { kind: nested ? SpanKind.INTERNAL : SpanKind.CONSUMER, attributes },
    nested ? active : remote,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        failSpan(span, error as Error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
