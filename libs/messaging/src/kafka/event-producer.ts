import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { HEADER } from '../envelope/envelope.codec.js';
import { createKafka } from './kafka.factory.js';
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

  constructor(@Inject(MESSAGING_SETTINGS) settings: MessagingSettings) {
    this.kafka = createKafka(settings, 'producer');
  }

  /**
   * Resolves once the broker acknowledged every record; rejects otherwise (the caller retries). One produce request
   * for all records; each record keeps the traceparent it was given (see keepRecordTrace).
   */
  async send(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const connecting = this.connected();
    const producer = await connecting;
    try {
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...Map.groupBy(records, (r) => r.topic)].map(([topic, list]) => ({
          topic,
          messages: list.map((r) => {
            const message = { key: r.key, value: r.value, headers: { ...r.headers } };
            keepRecordTrace(message, r.headers[HEADER.traceparent]);
            return message;
          }),
        })),
      });
    } catch (error) {
      if (!isRecordRefusal(error)) {
        this.discard(connecting);
      }
      throw error;
    }
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
