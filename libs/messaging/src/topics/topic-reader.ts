import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../kafka/kafka.factory.js';
import type { MessagingSettings } from '../messaging.settings.js';
import { headerString } from '../envelope/envelope.codec.js';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * Reads what a topic holds right now (up to its high watermarks at call time) with a throwaway consumer group that
 * commits nothing and is deleted afterwards: for inspecting DLQs and for tests, never for processing.
 */
export class TopicReader {
  private readonly kafka: Kafka;

  constructor(settings: MessagingSettings) {
    this.kafka = createKafka(settings, 'reader');
  }

  async readAll(topic: string, timeoutMs = 30_000): Promise<ReadRecord[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `platforma.reader.${randomUUID()}`;
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      const remaining = new Map(
        offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high) - 1]),
      );
      if (remaining.size === 0) {
        return [];
      }
      const records: ReadRecord[] = [];
      const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), timeoutMs);
          void consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                const last = remaining.get(partition);
                if (last === undefined || Number(message.offset) > last) {
                  return;
                }
                const headers: Record<string, string> = {};
                for (const name of Object.keys(message.headers ?? {})) {
                  headers[name] = headerString(message.headers, name) ?? '';
                }
                records.push({
                  topic,
                  partition,
                  offset: message.offset,
                  key: message.key?.toString() ?? null,
                  value: message.value?.toString() ?? null,
                  headers,
                  timestamp: message.timestamp,
                });
                if (Number(message.offset) >= last) {
                  remaining.delete(partition);
                }
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
                return Promise.resolve();
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      await admin.deleteGroups([groupId]).catch(() => undefined);
      return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    } finally {
      await admin.disconnect();
    }
  }
}
