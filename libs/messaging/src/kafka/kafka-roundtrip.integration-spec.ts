import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

// Proves the client/broker pair the project runs on: kafkajs 2.2.4 against the Kafka 4.x broker the scripts start.
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

describe('kafkajs round trip through the started broker', () => {
  const kafka = new Kafka({
    clientId: 'roundtrip-test',
    brokers: ['127.0.0.1:9092'],
    logLevel: logLevel.NOTHING,
  });
  const topic = `t.roundtrip.${randomUUID()}`;
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    // kafkajs gives up waiting for leaders early on a broker still deleting an earlier suite's topics: create, then
    // wait for every partition to lead with a deadline of our own.
    await admin
      .createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })
      .catch(() => undefined);
    await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      if (!metadata.topics[0]?.partitions.every((p) => p.leader >= 0)) {
        throw new Error(`${topic} has partitions without a leader`);
      }
    }, 60_000);
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('delivers keyed records in order per key to a consumer group, from an idempotent producer with acks=all', async () => {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const keys = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d'];
    const sent = keys.flatMap((key) => Array.from({ length: 25 }, (_, i) => ({ key, value: `${key}:${i}` })));
    // Right after a burst of topic deletions the broker may still be setting up the new partitions' logs.
    const acks = await eventually(() => producer.send({ topic, acks: -1, messages: sent }));
    await producer.disconnect();
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    const groupId = `roundtrip.${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; value: string; partition: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.length} of ${sent.length}`)),
        30_000,
      );
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            partition,
          });
          if (received.length === sent.length) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();

    for (const key of keys) {
      const mine = received.filter((r) => r.key === key);
      expect(mine.map((r) => r.value)).toEqual(sent.filter((s) => s.key === key).map((s) => s.value));
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
    }
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(sent.length);
    await admin.deleteGroups([groupId]);
  });
});
