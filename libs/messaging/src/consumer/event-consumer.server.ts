import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isEventType, type EventEnvelope, type EventType } from '@app/contracts';
import { transaction } from '@app/database';
import { isBackendUnavailable } from '../backend-unavailable.js';
import { decodeEnvelope, headerString, HEADER, MalformedRecordError } from '../envelope/envelope.codec.js';
import { createKafka, groupConsumerConfig } from '../kafka/kafka.factory.js';
import type { EventProducer } from '../kafka/event.producer.js';
import { DEFAULT_MAX_RECORD_BYTES, type MessagingSettings } from '../messaging.settings.js';
import type { DomainDescriptor } from '../domain.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import { quoteSchema } from '../outbox/unit-of-work.js';
import { withHeldOutbox } from '../outbox/outbox-writes.js';
import type { EventSchemasService } from '../validation/event-schemas.service.js';
import { ConsumerSupervisor } from './consumer-supervisor.js';
import { OffsetCommits } from './offset-commits.js';
import { DuplicateDeliveryError, EventContext } from './event-context.js';
import { ON_EVENT_OPTIONS, type OnEventOptions } from './on-event.decorator.js';
import { PermanentEventError, RetryLaterError } from './errors.js';
import { DLQ_HEADER } from './dlq.headers.js';
import { ConsumerLagProbe } from '../telemetry/consumer-lag.js';
import { LogContext } from '../telemetry/log-context.js';
import { messagingMetrics, watchLag } from '../telemetry/messaging.metrics.js';
import {
  activeTraceparent,
  annotateActiveSpan,
  consumedLogFields,
  withConsumerSpan,
} from '../telemetry/tracing.js';

export interface RetryPolicy {
  /** Attempts for an ordinary handler error before the event is dead-lettered. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How long a RetryLaterError keeps being retried before its event is dead-lettered. */
  retryLaterForMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  retryLaterForMs: 300_000,
};

/**
 * Whether an event gets another attempt after its handler failed (without rejecting it) `attempt` times, the first
 * failure `failingForMs` ago. A backend outage is nobody's event's fault: retried until it ends. An event that came
 * too early is retried while its dependency may still arrive (retryLaterForMs). Anything else has maxAttempts.
 */
export function retriesAgain(
  error: unknown,
  attempt: number,
  failingForMs: number,
  retry: RetryPolicy,
): boolean {
  return (
    isBackendUnavailable(error) ||
    (error instanceof RetryLaterError && failingForMs < retry.retryLaterForMs) ||
    attempt < retry.maxAttempts
  );
}

export interface ConsumerCounters {
  handled: number;
  duplicates: number;
  deadLettered: number;
  retries: number;
  /** Fetched batches worked through (one partition's records of one fetch each). */
  batches: number;
  /** Offset commits sent (each for every partition with settled records). */
  offsetCommits: number;
}

/** Most records of one partition batch that share one transaction: bounds how long it holds its locks. */
const MAX_SHARED_DELIVERIES = 64;

/** A fetched record with what decoding and validation made of it. */
interface Delivery {
  payload: EachMessagePayload;
  accepted: EventEnvelope | MalformedRecordError;
}

/** How a record's first attempt failed when it ran in a shared transaction. */
interface PriorFailure {
  error: unknown;
  at: Date;
}

const handlerOptions = (handler: MessageHandler): OnEventOptions =>
  (handler.extras?.[ON_EVENT_OPTIONS] ?? {}) as OnEventOptions;

const positionOf = ({ topic, partition, message }: EachMessagePayload): EventContext['position'] => ({
  topic,
  partition,
  offset: message.offset,
});

class RejectedEvent extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly firstFailure: Date,
  ) {
    super(message);
  }
}

/**
 * The Nest Kafka transport, rebuilt for zero loss. Each domain gets one of these with its own consumer group and
 * transport id. Per record: decode, validate (upcasting the previous version), then run the handler inside a
 * transaction that also inserts the inbox row and the handler's outbox rows; the offset moves on only after that
 * commit, or after the record reached its DLQ.
 */
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  private readonly log: Logger;
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private commits?: OffsetCommits;
  private closing = false;
  private readonly lag: ConsumerLagProbe;
  private unwatchLag?: () => void;
  private supervisor?: ConsumerSupervisor;
  readonly counters: ConsumerCounters = {
    handled: 0,
    duplicates: 0,
    deadLettered: 0,
    retries: 0,
    batches: 0,
    offsetCommits: 0,
  };
  private readonly inbox: string;

  constructor(
    private readonly domain: DomainDescriptor,
    private readonly settings: MessagingSettings,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly schemas: EventSchemasService,
    private readonly producer: EventProducer,
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    super();
    this.log = new Logger(`Consumer:${domain.name}`);
    this.kafka = createKafka(settings, domain.name);
    this.lag = new ConsumerLagProbe(this.kafka);
    this.setTransportId(domain.transport);
    this.inbox = `${quoteSchema(domain.schema)}.inbox`;
  }

  get groupId(): string {
    return this.settings.topicPrefix + this.domain.groupId;
  }

  /** Event types with a handler in this domain. */
  subscribedTypes(): EventType[] {
    return [...this.messageHandlers.keys()].filter(isEventType);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const unknown = [...this.messageHandlers.keys()].filter((p) => !isEventType(p));
      if (unknown.length > 0) {
        throw new Error(
          `${this.domain.name} handles patterns that are not catalog events: ${unknown.join(', ')}`,
        );
      }
      const chained = [...this.messageHandlers].filter(([, h]) => h.next);
      if (chained.length > 0) {
        // Two handlers of one event in one domain would share a single inbox row: one event, one handler.
        throw new Error(`${this.domain.name} has several handlers for ${chained.map(([p]) => p).join(', ')}`);
      }
      const types = this.subscribedTypes();
      if (types.length > 0) {
        await this.start(types);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async start(types: EventType[]): Promise<void> {
    this.supervisor ??= new ConsumerSupervisor(
      this.groupId,
      () => this.restart(types),
      `Consumer:${this.domain.name}`,
    );
    const consumer = this.kafka.consumer(groupConsumerConfig(this.settings, this.groupId));
    this.consumer = consumer;
    this.supervisor.watch(consumer);
    await consumer.connect();
    // A new group reads the backlog: events published before a module first started must not be skipped.
    await consumer.subscribe({
      topics: types.map((t) => this.settings.topicPrefix + t),
      fromBeginning: true,
    });
    this.commits = new OffsetCommits(consumer, this.log, () => this.counters.offsetCommits++);
    await consumer.run({
      // Offsets are resolved record by record, each once its record is settled (committed in the database, a
      // duplicate, or dead-lettered), and committed together on a short timer (OffsetCommits).
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrency,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.log.log(`consuming ${types.length} topic(s) as ${this.groupId}`);
    if (this.unwatchLag) {
      return;
    }
    const topics = types.map((t) => this.settings.topicPrefix + t);
    this.unwatchLag = watchLag({
      module: this.domain.name,
      group: this.groupId,
      lag: () => this.lag.measure(this.groupId, topics),
    });
  }

  /**
   * One partition's fetched records, in offset order. Consecutive records whose handlers run in the delivery's
   * transaction share one: one BEGIN, one inbox INSERT, the handlers one after another, one outbox INSERT, one
   * COMMIT (up to MAX_SHARED_DELIVERIES). If anything in it fails, it rolls back whole and each of its records
   * runs again on its own, as every other record does: retries, DLQ and offsets per record, as before.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    this.counters.batches++;
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), 1_000);
    const settled = (offset: string) => {
      payload.resolveOffset(offset);
      this.commits?.resolved(payload);
    };
    try {
      for (const run of this.runsOf(batch.topic, batch.partition, batch.messages, payload)) {
        if (!payload.isRunning() || payload.isStale()) {
          return; // what is left goes to the partition's next owner, from its last resolved offset
        }
        if (run.length === 1) {
          await this.handleRecord(run[0].payload, run[0].accepted);
        } else {
          await this.handleShared(run, settled);
        }
        settled(run[run.length - 1].payload.message.offset);
      }
    } finally {
      clearInterval(beat);
    }
  }

  /** The batch cut into runs: records that can share a transaction together, every other record alone. */
  private *runsOf(
    topic: string,
    partition: number,
    messages: EachBatchPayload['batch']['messages'],
    batch: EachBatchPayload,
  ): Generator<Delivery[]> {
    let run: Delivery[] = [];
    for (const message of messages) {
      const payload: EachMessagePayload = {
        topic,
        partition,
        message,
        heartbeat: () => batch.heartbeat(),
        pause: () => batch.pause(),
      };
      const accepted = this.tryAccept(payload);
      const shares = this.sharesTransaction(accepted);
      if (run.length > 0 && (!shares || run.length === MAX_SHARED_DELIVERIES)) {
        yield run;
        run = [];
      }
      if (shares) {
        run.push({ payload, accepted });
      } else {
        yield [{ payload, accepted }];
      }
    }
    if (run.length > 0) {
      yield run;
    }
  }

  private sharesTransaction(accepted: EventEnvelope | MalformedRecordError): accepted is EventEnvelope {
    if (accepted instanceof MalformedRecordError) {
      return false;
    }
    const handler = this.getHandlerByPattern(accepted.type);
    return handler ? handlerOptions(handler).transaction !== 'on-demand' : false;
  }

  private tryAccept(payload: EachMessagePayload): EventEnvelope | MalformedRecordError {
    try {
      return this.accept(payload);
    } catch (error) {
      if (error instanceof MalformedRecordError) {
        return error;
      }
      throw error;
    }
  }

  /**
   * Records of one partition in one transaction. A record already in the inbox (or twice in the run) is a
   * duplicate, as on its own. On any failure nothing of the run stays, and each record is settled on its own;
   * the record whose handler failed starts there at its second attempt.
   */
  private async handleShared(run: Delivery[], resolve: (offset: string) => void): Promise<void> {
    const deliveries = run as (Delivery & { accepted: EventEnvelope })[];
    let contexts: EventContext[] = [];
    let duplicates: EventEnvelope[] = [];
    let failure: { index: number; error: unknown; at: Date } | undefined;
    try {
      await transaction(this.dataSource, (manager) =>
        withHeldOutbox(
          manager,
          async () => {
            contexts = [];
            duplicates = [];
            failure = undefined;
            const fresh = await this.recordAllInInbox(manager, deliveries);
            for (const [index, { payload, accepted: envelope }] of deliveries.entries()) {
              if (!fresh.delete(envelope.id.toLowerCase())) {
                duplicates.push(envelope);
                continue;
              }
              const handled = await this.inRecordScope(payload, async () => {
                // In the record's span: what the handler publishes hangs below it.
                const uow = this.unitOfWork(manager, envelope);
                const context = new EventContext(envelope, positionOf(payload), uow, 1);
                try {
                  await this.invoke(this.handlerOf(envelope), envelope, context);
                } catch (error) {
                  failure = { index, error, at: new Date() };
                  throw error;
                }
                return context;
              });
              contexts.push(handled);
            }
          },
          true,
        ),
      );
    } catch (error) {
      this.log.warn(
        `${deliveries.length} records of ${run[0]?.payload.topic} could not commit together, each goes on its own: ${(error as Error).message}`,
      );
      for (const [index, { payload, accepted }] of deliveries.entries()) {
        const prior = failure?.index === index ? failure : undefined;
        await this.handleRecord(payload, accepted, prior && { error: prior.error, at: prior.at });
        resolve(payload.message.offset);
      }
      return;
    }
    for (const context of contexts) {
      context.runAfterCommit();
    }
    this.counters.handled += contexts.length;
    duplicates.forEach((envelope) => this.countDuplicate(envelope));
  }

  /** The run's event ids that were not in the inbox yet (lower case), in one INSERT. */
  private async recordAllInInbox(
    manager: EntityManager,
    deliveries: { payload: EachMessagePayload; accepted: EventEnvelope }[],
  ): Promise<Set<string>> {
    const inserted: { event_id: string }[] = await manager.query(
      `INSERT INTO ${this.inbox} (consumer_group, event_id, event_type, topic, partition, "offset")
       SELECT $1, event_id, event_type, topic, partition, "offset"
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
              AS r(event_id, event_type, topic, partition, "offset")
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        this.domain.groupId,
        deliveries.map((d) => d.accepted.id),
        deliveries.map((d) => d.accepted.type),
        deliveries.map((d) => d.payload.topic),
        deliveries.map((d) => d.payload.partition),
        deliveries.map((d) => d.payload.message.offset),
      ],
    );
    return new Set(inserted.map((r) => r.event_id.toLowerCase()));
  }

  /**
   * A record ends handled, skipped as a duplicate, or in the DLQ, so its partition moves on. It throws (leaving the
   * offset uncommitted for the partition's next owner) only when shutdown interrupts its retries or the DLQ write
   * fails. Its logs carry the record's correlation and tenant, its span continues the record's trace.
   */
  private handleRecord(
    payload: EachMessagePayload,
    accepted: EventEnvelope | MalformedRecordError,
    prior?: PriorFailure,
  ): Promise<void> {
    return this.inRecordScope(payload, () => this.settleRecord(payload, accepted, prior));
  }

  /** The record's log fields and its `handle` span (continuing the record's trace) around `work`. */
  private inRecordScope<T>(payload: EachMessagePayload, work: () => Promise<T>): Promise<T> {
    const { topic, partition, message } = payload;
    const { offset, key, headers } = message;
    const record = { module: this.domain.name, group: this.groupId, topic, partition, offset, key, headers };
    return LogContext.run(consumedLogFields(message.headers), () => withConsumerSpan(record, work));
  }

  private async settleRecord(
    payload: EachMessagePayload,
    accepted: EventEnvelope | MalformedRecordError,
    prior?: PriorFailure,
  ): Promise<void> {
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), 1_000);
    try {
      if (accepted instanceof MalformedRecordError) {
        throw accepted;
      }
      await this.runWithRetries(accepted, positionOf(payload), prior);
    } catch (error) {
      if (error instanceof RejectedEvent) {
        await this.deadLetter(payload, error, error.attempts, error.firstFailure);
      } else if (error instanceof MalformedRecordError) {
        await this.deadLetter(payload, error, 1, new Date());
      } else {
        throw error;
      }
    } finally {
      clearInterval(beat);
    }
  }

  private accept(payload: EachMessagePayload): EventEnvelope {
    const size = payload.message.value?.length ?? 0;
    const limit = this.settings.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (size > limit) {
      throw new MalformedRecordError(`record value of ${size} bytes exceeds the limit of ${limit} bytes`);
    }
    const raw = decodeEnvelope(payload.message);
    const expected = payload.topic.slice(this.settings.topicPrefix.length);
    if (raw.type !== expected) {
      throw new MalformedRecordError(`event type ${raw.type} does not belong on topic ${payload.topic}`);
    }
    const checked = this.schemas.accept(raw.type, raw.version, raw.data);
    if (!checked.ok) {
      const what = checked.failure === 'invalid_payload' ? 'schema validation failed' : 'not accepted';
      throw new MalformedRecordError(`${what}: ${checked.errors.join('; ')}`);
    }
    return { ...raw, version: this.schemas.latestVersion(raw.type), data: checked.data } as EventEnvelope;
  }

  /** `prior`: the record's first attempt already ran and failed (in a shared transaction); this goes on from there. */
  private async runWithRetries(
    envelope: EventEnvelope,
    position: EventContext['position'],
    prior?: PriorFailure,
  ): Promise<void> {
    let backoff = this.retry.initialBackoffMs;
    let firstFailure: Date | undefined = prior?.at;
    for (let attempt = 1; ; attempt++) {
      try {
        if (prior && attempt === 1) {
          throw prior.error; // the first attempt, as it failed in the shared transaction
        }
        await this.processOnce(envelope, position, attempt);
        return;
      } catch (error) {
        firstFailure ??= new Date();
        if (error instanceof PermanentEventError || error instanceof MalformedRecordError) {
          throw new RejectedEvent(`rejected: ${error.message}`, attempt, firstFailure);
        }
        if (!retriesAgain(error, attempt, Date.now() - firstFailure.getTime(), this.retry)) {
          throw new RejectedEvent(
            `failed ${attempt} times: ${(error as Error).message}`,
            attempt,
            firstFailure,
          );
        }
        if (this.closing) {
          // Leave the offset uncommitted; the next owner of the partition retries it.
          throw error;
        }
        this.counters.retries++;
        this.log.warn(
          `${envelope.type} ${envelope.id} attempt ${attempt} failed: ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, this.retry.maxBackoffMs);
      }
    }
  }

  private async processOnce(envelope: EventEnvelope, position: EventContext['position'], attempt: number) {
    const handler = this.handlerOf(envelope);
    let context: EventContext | undefined;
    const handled =
      handlerOptions(handler).transaction === 'on-demand'
        ? await this.processOnDemand(handler, envelope, position, attempt, (c) => (context = c))
        : await transaction(this.dataSource, (manager) =>
            withHeldOutbox(
              manager,
              async () => {
                // A retried transaction (deadlock) runs the handler again with a context of its own.
                context = undefined;
                if (!(await this.recordInInbox(manager, envelope, position))) {
                  return false;
                }
                const uow = this.unitOfWork(manager, envelope);
                context = new EventContext(envelope, position, uow, attempt);
                await this.invoke(handler, envelope, context);
                return true;
              },
              true,
            ),
          );
    if (handled) {
      context?.runAfterCommit();
      this.counters.handled++;
    } else {
      this.countDuplicate(envelope);
      annotateActiveSpan({ 'platforma.inbox.duplicate': true });
    }
  }

  private handlerOf(envelope: EventEnvelope): MessageHandler {
    const handler = this.getHandlerByPattern(envelope.type);
    if (!handler) {
      throw new PermanentEventError(`no handler for ${envelope.type} in ${this.domain.name}`);
    }
    return handler;
  }

  private countDuplicate(envelope: EventEnvelope): void {
    this.counters.duplicates++;
    const labels = { module: this.domain.name, group: this.groupId, event_type: envelope.type };
    messagingMetrics().inboxDuplicates.add(1, labels);
  }

  /**
   * An on-demand handler decides first, outside any transaction; the transaction and the inbox row open only when
   * it calls ctx.begin(). A delivery it finds nothing to do for ends there: no transaction, no inbox row (running it
   * again would decide the same).
   */
  private async processOnDemand(
    handler: MessageHandler,
    envelope: EventEnvelope,
    position: EventContext['position'],
    attempt: number,
    created: (context: EventContext) => void,
  ): Promise<boolean> {
    let runner: QueryRunner | undefined;
    const context = new EventContext(envelope, position, undefined, attempt, {
      reader: this.dataSource.manager,
      begin: async () => {
        if (runner) {
          throw new Error(`${envelope.type}: ctx.begin() called twice`);
        }
        runner = this.dataSource.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        if (!(await this.recordInInbox(runner.manager, envelope, position))) {
          throw new DuplicateDeliveryError(`${envelope.id} is already in ${this.domain.name}'s inbox`);
        }
        return this.unitOfWork(runner.manager, envelope);
      },
    });
    created(context);
    try {
      await this.invoke(handler, envelope, context);
      await runner?.commitTransaction();
      return true;
    } catch (error) {
      if (runner?.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      if (error instanceof DuplicateDeliveryError) {
        return false;
      }
      throw error;
    } finally {
      await runner?.release();
    }
  }

  /** False when the event is already there: a duplicate delivery, nothing to do. */
  private async recordInInbox(
    manager: EntityManager,
    envelope: EventEnvelope,
    position: EventContext['position'],
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${this.inbox} (consumer_group, event_id, event_type, topic, partition, "offset")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.domain.groupId, envelope.id, envelope.type, position.topic, position.partition, position.offset],
    );
    return inserted.length > 0;
  }

  private unitOfWork(manager: EntityManager, envelope: EventEnvelope) {
    return this.outbox.unitOfWork(manager, {
      tenantId: envelope.tenantid,
      correlationId: envelope.correlationid,
      causationId: envelope.id,
      // This record's span: what the handler publishes hangs below it.
      traceparent: activeTraceparent() ?? envelope.traceparent,
    });
  }

  private async invoke(
    handler: MessageHandler,
    envelope: EventEnvelope,
    context: EventContext,
  ): Promise<void> {
    const result: unknown = await handler(envelope.data, context);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private async deadLetter(payload: EachMessagePayload, error: Error, attempts: number, firstFailure: Date) {
    const { topic, partition, message } = payload;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      const text = headerString(message.headers, name);
      if (value !== undefined && text !== undefined) {
        headers[name] = text;
      }
    }
    Object.assign(headers, {
      [DLQ_HEADER.originalTopic]: topic,
      [DLQ_HEADER.originalPartition]: String(partition),
      [DLQ_HEADER.originalOffset]: message.offset,
      [DLQ_HEADER.error]: error.message.slice(0, 2_000),
      [DLQ_HEADER.attempts]: String(attempts),
      [DLQ_HEADER.firstFailureTime]: firstFailure.toISOString(),
      [DLQ_HEADER.consumerGroup]: this.domain.groupId,
    });
    const key = message.key?.toString() ?? headers[HEADER.tenantid] ?? 'unknown';
    this.log.error(`dead-lettering ${topic}/${partition}@${message.offset}: ${error.message}`);
    // The DLQ write must succeed before the offset moves on; kafkajs retries the record if this throws.
    await this.producer.send([{ topic: `${topic}.dlq`, key, value: message.value, headers }]);
    this.counters.deadLettered++;
    const reason = error instanceof MalformedRecordError ? 'malformed' : 'rejected';
    messagingMetrics().deadLettered.add(1, { module: this.domain.name, group: this.groupId, topic, reason });
    annotateActiveSpan({ 'platforma.dead_lettered': true }, error);
  }

  /** A new consumer in place of one kafkajs gave up on (see ConsumerSupervisor). */
  private async restart(types: EventType[]): Promise<void> {
    const stopped = this.consumer;
    this.consumer = undefined;
    this.commits?.close();
    await stopped?.disconnect().catch(() => undefined);
    if (!this.closing) {
      await this.start(types);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.supervisor?.close();
    const consumer = this.consumer;
    this.consumer = undefined;
    // What is settled goes out now; kafkajs then waits for the batches in flight and leaves the group. Records
    // those settle are delivered again to the partition's next owner, and its inbox skips them.
    await this.commits?.flush();
    this.commits?.close();
    await consumer?.disconnect();
    this.unwatchLag?.();
    await this.lag.close();
  }

  on(): never {
    throw new Error('EventConsumerServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
