import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { HEADER } from '../envelope/envelope.codec.js';
import { createKafka } from './kafka.factory.js';
import { LazyAdmin } from './lazy-admin.js';
import { keepRecordTrace } from '../telemetry/tracing.js';
import { MESSAGING_SETTINGS, type MessagingSettings } from '../messaging.settings.js';

/** Broker answers about the records themselves, not about reaching the broker: retrying at once will not help. */
const REFUSALS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'TOPIC_AUTHORIZATION_FAILED',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
]);

/** True when the broker refused the records (wrong topic, too large, …) rather than being unreachable. */
export function isRecordRefusal(error: unknown): boolean {
  const next = (e: object): unknown =>
    (e as { originalError?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 10; e = next(e), depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && REFUSALS.has(type)) {
      return true;
    }
  }
  return false;
}

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: string | Buffer | null;
  headers: Record<string, string>;
}

/**
 * The process's one producer: idempotent (no duplicates from its own retries), acks from all in-sync replicas,
 * one request in flight so records of a key keep their order across retries.
 */
@Injectable()
export class EventProducer implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private readonly admin: LazyAdmin;
  private readonly partitionCounts = new Map<string, number>();
  private readonly partitioner = Partitioners.DefaultPartitioner();

  constructor(@Inject(MESSAGING_SETTINGS) settings: MessagingSettings) {
    this.kafka = createKafka(settings, 'producer');
    this.admin = new LazyAdmin(this.kafka);
  }

  /**
   * Resolves once the brokers acknowledged every record; rejects otherwise (the caller retries the whole batch, which
   * may write some records twice: the consumers' inboxes absorb that). One produce request per leader; each record
   * keeps the traceparent it was given (see keepRecordTrace).
   */
  async send(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const byTopic = [...Map.groupBy(records, (r) => r.topic)];
    const counts = await this.partitionsOf(byTopic.map(([topic]) => topic));
    // Each record's partition chosen here, as kafkajs would (murmur2 of the key), so that what the brokers
    // acknowledged can be checked against where the records went.
    const sent = new Set<string>();
    const topicMessages = byTopic.map(([topic, list]) => ({
      topic,
      messages: list.map((r) => {
        const partition = this.partitionOf(topic, r.key, counts.get(topic) ?? 1);
        sent.add(`${topic}/${partition}`);
        const message = { key: r.key, value: r.value, headers: { ...r.headers }, partition };
        keepRecordTrace(message, r.headers[HEADER.traceparent]);
        return message;
      }),
    }));
    const connecting = this.connected();
    const producer = await connecting;
    try {
      const acknowledged = await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages,
      });
      const answered = new Set(acknowledged.map((m) => `${m.topicName}/${m.partition}`));
      const missing = [...sent].filter((p) => !answered.has(p));
      if (missing.length > 0) {
        // kafkajs#1303: when one leader of a batch fails and its partitions move to a leader that had already
        // answered for its own, kafkajs's retry sends them nowhere and resolves as if all were written.
        throw new Error(`no broker acknowledged the records for ${missing.join(', ')}; the batch goes again`);
      }
    } catch (error) {
      if (!isRecordRefusal(error)) {
        this.discard(connecting);
        this.partitionCounts.clear();
      }
      throw error;
    }
  }

  private partitionOf(topic: string, key: string, count: number): number {
    const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    return this.partitioner({ topic, partitionMetadata, message: { key, value: null } });
  }

  /** Partition counts of the topics, asked of the cluster once (and again after a failed send). */
  private async partitionsOf(topics: string[]): Promise<Map<string, number>> {
    const unknown = topics.filter((t) => !this.partitionCounts.has(t));
    if (unknown.length > 0) {
      const admin = await this.admin.connected();
      const { topics: described } = await admin.fetchTopicMetadata({ topics: unknown });
      for (const t of described) {
        this.partitionCounts.set(t.name, t.partitions.length);
      }
    }
    return this.partitionCounts;
  }

  /**
   * After a send that failed on the way (leader moved, broker restarted), kafkajs's idempotent producer can keep
   * sequence numbers the broker no longer agrees with and fail every later send with OUT_OF_ORDER_SEQUENCE_NUMBER.
   * The next send starts on a new producer (a new producer id); what the old one may have written twice, the
   * consumers' inboxes absorb.
   */
  private discard(producer: Promise<Producer>): void {
    if (this.producer !== producer) {
      return;
    }
    this.producer = undefined;
    void producer.then((p) => p.disconnect()).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.close();
    const producer = await this.producer?.catch(() => undefined);
    this.producer = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        // murmur2 on the key, as the Java client: a tenant lands on the same partition whoever produces.
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
      });
      this.producer = producer.connect().then(
        () => producer,
        (error: unknown) => {
          this.producer = undefined;
          throw error;
        },
      );
    }
    return this.producer;
  }
}
