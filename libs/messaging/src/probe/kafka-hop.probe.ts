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

/**
 * The floor under every event hop: records produced with acks=all (one at a time, `inFlight` concurrently) and read
 * back by a consumer on the same broker, on a throwaway topic that is deleted afterwards. The benchmark states the
 * order pipeline as a fraction of this.
 */
export async function measureKafkaHop(
  settings: MessagingSettings,
  options: { records: number; inFlight: number; valueBytes: number },
): Promise<HopSample> {
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
    await consumer.run({
      eachMessage: ({ message }) => {
        const id = message.key?.toString() ?? '';
        const start = sentAt.get(id);
        if (start !== undefined) {
          latenciesMs.push(performance.now() - start);
          sentAt.delete(id);
          if (latenciesMs.length === options.records) {
            resolveAll();
          }
        }
        return Promise.resolve();
      },
    });
    await joined;
    const value = Buffer.alloc(options.valueBytes, 'x');
    const began = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < options.records) {
        const id = String(next++);
        sentAt.set(id, performance.now());
        await producer.send({ topic, acks: -1, messages: [{ key: id, value }] });
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
