import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ConsumerSupervisor } from '../consumer/consumer-supervisor.js';
import { createKafka, groupConsumerConfig } from '../kafka/kafka.factory.js';
import type { MessagingSettings } from '../messaging.settings.js';
import { deliver, nextOffset, tappedRecord, type TapHandler, type TappedRecord } from './tapped-record.js';

export interface RecordTapOptions {
  /** Consumer group of the tap; its committed offsets say what the handler has stored. */
  groupId: string;
  topics: string[];
  handler: TapHandler;
  /** Most records handed to the handler at once (a fetched batch is cut into chunks of this size). */
  chunkSize?: number;
  /**
   * Partitions of one fetch worked on side by side (kafkajs partitionsConsumedConcurrently; default the
   * settings'). Their chunks go to the handler together, so a tap over many partitions wants this high.
   */
  partitionsConcurrency?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long a fetch may wait to gather minBytes (kafkajs fetch options). A tap reads many partitions, and every
   * fetch costs the broker and the client work for each of them: one that need not be prompt gathers records
   * instead of fetching once per record.
   */
  fetch?: { minBytes: number; maxWaitTimeInMs: number };
}

export interface TapCounters {
  records: number;
  /** Handler calls that stored records (one may carry several partitions' chunks). */
  chunks: number;
  failures: number;
}

const WARN_EVERY_MS = 10_000;

/** A partition's chunk waiting for the next flush; settles true once stored and committed. */
interface WaitingChunk {
  records: TappedRecord[];
  payload: EachBatchPayload;
  last: string;
  settle: (stored: boolean) => void;
  fail: (error: unknown) => void;
}

/** The partition is still this member's and the tap still running. */
function partitionActive(payload: EachBatchPayload, stopping: boolean): boolean {
  return !stopping && payload.isRunning() && !payload.isStale();
}

/**
 * Reads every record of a set of topics from the beginning, raw (no envelope decoding, no schema check), and
 * commits a partition's offset only after the handler stored the records before it. A failing handler (e.g. the
 * database is down) is retried with backoff on the same records while the partition's heartbeats go on; nothing is
 * skipped and nothing committed until it succeeds. For logging and auditing, not for processing events.
 */
export class RecordTap {
  private readonly log: Logger;
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private stopping = false;
  private supervisor?: ConsumerSupervisor;
  private readonly sleepers = new Set<() => void>();
  private lastWarnAt = 0;
  readonly counters: TapCounters = { records: 0, chunks: 0, failures: 0 };
  private readonly waiting: WaitingChunk[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly settings: MessagingSettings,
    private readonly options: RecordTapOptions,
  ) {
    this.log = new Logger(`RecordTap:${options.groupId}`);
    this.kafka = createKafka(settings, 'tap');
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get running(): boolean {
    return this.consumer !== undefined;
  }

  async start(): Promise<void> {
    if (this.consumer) {
      return;
    }
    this.stopping = false;
    const consumer = this.kafka.consumer({
      ...groupConsumerConfig(this.settings, this.options.groupId),
      ...this.options.fetch,
    });
    this.supervisor ??= new ConsumerSupervisor(
      this.options.groupId,
      () => this.restart(),
      `RecordTap:${this.options.groupId}`,
    );
    this.supervisor.watch(consumer);
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently:
          this.options.partitionsConcurrency ?? this.settings.partitionsConcurrency,
        eachBatch: (payload) => this.handleBatch(payload),
      });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.log.log(`tapping ${this.options.topics.length} topic(s)`);
  }

  /** A new consumer in place of one kafkajs gave up on (see ConsumerSupervisor). */
  private async restart(): Promise<void> {
    const stopped = this.consumer;
    this.consumer = undefined;
    await stopped?.disconnect().catch(() => undefined);
    if (!this.stopping) {
      await this.start();
    }
  }

  /** Lets the chunk in flight finish (a retrying one gives up uncommitted), then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.supervisor?.close();
    this.supervisor = undefined;
    for (const wake of this.sleepers) {
      wake();
    }
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  /**
   * Cuts the partition's batch into chunks and waits for each to be stored and committed before the next, so a
   * partition's records are stored in order and never two of its chunks at once.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const size = this.options.chunkSize ?? 500;
    for (let start = 0; start < batch.messages.length; start += size) {
      const messages = batch.messages.slice(start, start + size);
      const last = messages[messages.length - 1];
      if (!last || !partitionActive(payload, this.stopping)) {
        return;
      }
      const records = messages.map((m) => tappedRecord(batch.topic, batch.partition, m));
      const stored = await new Promise<boolean>((settle, fail) => {
        this.waiting.push({ records, payload, last: last.offset, settle, fail });
        this.scheduleFlush();
      });
      if (!stored) {
        return; // uncommitted: the partition's next owner (or the next start) reads these records again
      }
      await payload.heartbeat();
    }
  }

  /**
   * One fetch hands the tap a batch per partition, run side by side: the chunks that arrive together go to the
   * handler as one call and their offsets to the broker as one commit, instead of a write and a commit each.
   */
  private scheduleFlush(): void {
    if (this.flushing) {
      return; // the running flush takes what arrived meanwhile
    }
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => (this.flushing = undefined));
  }

  private async flush(): Promise<void> {
    const limit = this.options.chunkSize ?? 500;
    while (this.waiting.length > 0) {
      const taken: WaitingChunk[] = [];
      let count = 0;
      while (
        this.waiting.length > 0 &&
        (taken.length === 0 || count + this.waiting[0].records.length <= limit)
      ) {
        const chunk = this.waiting.shift()!;
        taken.push(chunk);
        count += chunk.records.length;
      }
      try {
        const stored = await this.storeTogether(taken);
        taken.forEach((c) => c.settle(stored));
      } catch (error) {
        taken.forEach((c) => c.fail(error));
      }
    }
  }

  /** The chunks' records stored (retried while any of their partitions is still ours), then their offsets committed. */
  private async storeTogether(chunks: WaitingChunk[]): Promise<boolean> {
    const records = chunks.flatMap((c) => c.records);
    const first = chunks[0].payload;
    const active = () => chunks.some((c) => partitionActive(c.payload, this.stopping));
    const stored = await deliver(this.options.handler, records, {
      active,
      wait: (ms) => this.pause(ms, first),
      onFailure: (error, attempt, retryInMs) => {
        this.counters.failures++;
        this.warn(
          `storing ${records.length} record(s) of ${chunks.length} partition(s) from ` +
            `${chunks[0].records[0]?.topic}/${chunks[0].records[0]?.partition} failed ` +
            `(attempt ${attempt}, retrying in ${retryInMs} ms): ${(error as Error).message}`,
        );
      },
      initialBackoffMs: this.options.initialBackoffMs,
      maxBackoffMs: this.options.maxBackoffMs,
    });
    if (!stored) {
      return false;
    }
    this.counters.records += records.length;
    this.counters.chunks++;
    const owned = chunks.filter((c) => partitionActive(c.payload, false));
    owned.forEach((c) => c.payload.resolveOffset(c.last));
    const topics = [...Map.groupBy(owned, (c) => c.payload.batch.topic)].map(([topic, group]) => ({
      topic,
      partitions: group.map((c) => ({ partition: c.payload.batch.partition, offset: nextOffset(c.last) })),
    }));
    if (owned[0]) {
      await owned[0].payload.commitOffsetsIfNecessary({ topics });
    }
    return true;
  }

  /** Sleeps ms, heartbeating each second so a long outage does not cost the group its member; stop() wakes it. */
  private async pause(ms: number, payload: EachBatchPayload): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(1_000, until - Date.now()));
        this.sleepers.add(wake);
      });
      // A rebalance surfaces here as an error: the batch is abandoned uncommitted and kafkajs rejoins.
      await payload.heartbeat();
    }
  }

  /** An outage would otherwise log a warning per attempt and partition. */
  private warn(message: string): void {
    if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      this.log.warn(message);
    }
  }
}
