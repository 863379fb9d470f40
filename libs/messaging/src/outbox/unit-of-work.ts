import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventData, EventEnvelope, EventType } from '@app/contracts';
import { encodeEnvelope } from '../envelope/envelope.codec.js';
import { activeTraceparent } from '../telemetry/tracing.js';
import type { EventSchemasService } from '../validation/event-schemas.service.js';
import type { DomainDescriptor } from '../domain.js';
import { writeOutboxRow } from './outbox-writes.js';

export interface PublishMeta {
  tenantId: string;
  /** The aggregate the event is about (order id, invoice id, …). */
  subject: string;
  correlationId?: string;
  causationId?: string;
}

/** Defaults a consumer's unit of work inherits from the event it is handling. */
export interface CausalContext {
  tenantId?: string;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
}

/** Thrown by publish() for an event that does not match its schema: the transaction rolls back, nothing is written. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly type: string,
    readonly errors: string[],
  ) {
    super(`Refusing to publish invalid ${type}: ${errors.join('; ')}`);
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new Error(`Invalid schema name ${schema}`);
  }
  return `"${schema}"`;
}

/**
 * The one transaction handle a use case takes, first among its arguments: a manager and publish(). An HTTP
 * request's or a poller's UnitOfWork and a listener's EventContext are each one, so the same code runs behind any.
 */
export type Tx = Pick<UnitOfWork, 'manager' | 'publish'>;

/**
 * The state change and its events commit together: publish() writes an outbox row through the same
 * EntityManager the caller writes its rows with (at once, or at the end of the transaction when its owner holds
 * the outbox rows back: withHeldOutbox).
 */
export class UnitOfWork {
  constructor(
    readonly manager: EntityManager,
    private readonly domain: DomainDescriptor,
    readonly schemas: EventSchemasService,
    readonly topicPrefix: string,
    private readonly causal: CausalContext = {},
  ) {}

  async publish<T extends EventType>(
    type: T,
    data: EventData<T>,
    meta: Partial<PublishMeta> & { subject: string },
  ): Promise<EventEnvelope<T>> {
    const tenantId = meta.tenantId ?? this.causal.tenantId;
    if (!tenantId) {
      throw new InvalidEventError(type, ['a tenant id is required: it is the record key']);
    }
    const version = this.schemas.latestVersion(type);
    const result = this.schemas.validate(type, version, data);
    if (!result.ok) {
      throw new InvalidEventError(type, result.errors);
    }
    const id = uuidv7();
    const envelope: EventEnvelope<T> = {
      id,
      type,
      specversion: '1.0',
      source: this.domain.name,
      time: new Date().toISOString(),
      subject: meta.subject,
      version,
      tenantid: tenantId,
      correlationid: meta.correlationId ?? this.causal.correlationId ?? id,
      causationid: meta.causationId ?? this.causal.causationId,
      // The trace the caller continues (a handler's span, a job's stored trace), else the active request's span.
      traceparent: this.causal.traceparent ?? activeTraceparent(),
      data: result.data as EventData<T>,
    };
    const record = encodeEnvelope(envelope);
    await writeOutboxRow(this.manager, this.outboxTable(), {
      eventId: id,
      topic: this.topicPrefix + type,
      key: record.key,
      headers: record.headers,
      payload: record.value,
    });
    return envelope;
  }

  /** Re-publishes a record exactly as it was (DLQ redrive); the caller's transaction records why. */
  async publishRaw(
    topic: string,
    key: string,
    headers: Record<string, string>,
    value: string,
  ): Promise<void> {
    await writeOutboxRow(this.manager, this.outboxTable(), {
      eventId: headers.ce_id ?? uuidv7(),
      topic,
      key,
      headers,
      payload: value,
    });
  }

  private outboxTable(): string {
    return `${quoteSchema(this.domain.schema)}.outbox`;
  }
}
