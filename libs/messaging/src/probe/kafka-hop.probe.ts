import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { createKafka } from '../kafka/kafka.factory.js';
import type { MessagingSettings } from '../messaging.settings.js';

export interface HopSample {
  /** Produce call → record seen by the consumer, per record, in milliseconds. */
  latenciesMs: number[];
  /** Records delivered per second over the whole run. */
  recordsPerSecond: number;
  records: number;
}

export interface HopOptions {
  records: number;
  /** Produce requests in flight at once. */
  inFlight: number;
  valueBytes: number;
  /**
   * Records per produce request (default 1: one round trip per record). Above 1 the records of a request go to
   * distinct keys, so they spread over the partitions as the pipeline's tenants do, and the consumer takes them a
   * fetched batch at a time (eachBatch) — what Kafka carries when it is used as the pipeline uses it.
   */
  recordsPerSend?: number;
}

/**
 * The floor under every event hop: records produced with acks=all (idempotent producer, `inFlight` requests at once)
 * and read back by a consumer on the same broker, on a throwaway topic that is deleted afterwards. The benchmark
 * states the order pipeline as a fraction of this.
 */
export async function measureKafkaHop(settings: MessagingSettings, options: HopOptions): Promise<HopSample> {
  const perSend = Math.max(1, options.recordsPerSend ?? 1);
  const kafka = createKafka(settings, 'probe');
  const topic = `${settings.topicPrefix}probe.hop.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: settings.partitions, replicationFactor: settings.replicationFactor }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.reader`, maxWaitTimeInMs: 10 });
  const sentAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    // The consumer must own its partitions before the clock starts, or the first records measure the join.
    const joined = waitForAssignment(consumer, 30_000);
    let resolveAll: () => void = () => undefined;
    const allSeen = new Promise<void>((resolve) => (resolveAll = resolve));
    const seen = (key: Buffer | null): void => {
      const id = key?.toString() ?? '';
      const start = sentAt.get(id);
      if (start !== undefined) {
        latenciesMs.push(performance.now() - start);
        sentAt.delete(id);
        if (latenciesMs.length === options.records) {
          resolveAll();
        }
      }
    };
    await consumer.run(
      perSend === 1
        ? { eachMessage: ({ message }) => Promise.resolve(seen(message.key)) }
        : { eachBatch: ({ batch }) => Promise.resolve(batch.messages.forEach((m) => seen(m.key))) },
    );
    await joined;
    const value = Buffer.alloc(options.valueBytes, 'x');
    const began = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < options.records) {
        const messages = [];
        while (messages.length < perSend && next < options.records) {
          const id = String(next++);
          sentAt.set(id, performance.now());
          messages.push({ key: id, value });
        }
        await producer.send({ topic, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, lane));
    await Promise.race([
      allSeen,
      new Promise((_, reject) => setTimeout(() => reject(new Error('hop probe: records missing')), 60_000)),
    ]);
    const seconds = (performance.now() - began) / 1000;
    return { latenciesMs, recordsPerSecond: options.records / seconds, records: options.records };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([`${topic}.reader`]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function waitForAssignment(consumer: Consumer, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hop probe: consumer never joined')), timeoutMs);
    consumer.on(consumer.events.GROUP_JOIN, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
