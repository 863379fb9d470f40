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
  chunks: number;
  failures: number;
}

const WARN_EVERY_MS = 10_000;

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
        partitionsConsumedConcurrently: this.settings.partitionsConcurrency,
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

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const size = this.options.chunkSize ?? 500;
    const active = () => !this.stopping && payload.isRunning() && !payload.isStale();
    for (let start = 0; start < batch.messages.length; start += size) {
      const messages = batch.messages.slice(start, start + size);
      const last = messages[messages.length - 1];
      if (!last || !active()) {
        return;
      }
      const records: TappedRecord[] = messages.map((m) => tappedRecord(batch.topic, batch.partition, m));
      const stored = await deliver(this.options.handler, records, {
        active,
        wait: (ms) => this.pause(ms, payload),
        onFailure: (error, attempt, retryInMs) => {
          this.counters.failures++;
          this.warn(
            `storing ${records.length} record(s) of ${batch.topic}/${batch.partition} from ${records[0]?.offset} ` +
              `failed (attempt ${attempt}, retrying in ${retryInMs} ms): ${(error as Error).message}`,
          );
        },
        initialBackoffMs: this.options.initialBackoffMs,
        maxBackoffMs: this.options.maxBackoffMs,
      });
      if (!stored) {
        return; // uncommitted: the partition's next owner (or the next start) reads these records again
      }
      this.counters.records += records.length;
      this.counters.chunks++;
      payload.resolveOffset(last.offset);
      await payload.commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: nextOffset(last.offset) }],
          },
        ],
      });
      await payload.heartbeat();
    }
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
