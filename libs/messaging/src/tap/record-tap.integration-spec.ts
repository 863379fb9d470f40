import { randomBytes } from 'node:crypto';
import { EventProducer } from '../kafka/event.producer.js';
import type { MessagingSettings } from '../messaging.settings.js';
import { TopicAdminService } from '../topics/topic-admin.service.js';
import { RecordTap } from './record-tap.js';
import type { TappedRecord } from './tapped-record.js';

// The log tap against the real broker: raw records of several topics from the beginning, offsets committed only
// after the handler stored them, a failing handler retried without loss, a stop that gives up cleanly.

async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('RecordTap (real Kafka)', () => {
  const prefix = `t.tap.${randomBytes(4).toString('hex')}.`;
  const settings: MessagingSettings = {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'tap-test',
    topicPrefix: prefix,
    partitions: 2,
    replicationFactor: 1,
    partitionsConcurrency: 2,
    sessionTimeoutMs: 6_000,
  };
  const topics = [`${prefix}a`, `${prefix}b`];
  const admin = new TopicAdminService(settings);
  const producer = new EventProducer(settings);
  const taps: RecordTap[] = [];

  const tap = (
    groupId: string,
    handler: (records: TappedRecord[]) => Promise<void>,
    partitionsConcurrency?: number,
  ) => {
    const created = new RecordTap(settings, {
      groupId,
      topics,
      handler,
      partitionsConcurrency,
      initialBackoffMs: 50,
      maxBackoffMs: 200,
    });
    taps.push(created);
    return created;
  };

  const produce = (from: number, count: number) =>
    producer.send(
      Array.from({ length: count }, (_, i) => ({
        topic: topics[(from + i) % 2] ?? '',
        key: `tenant-${(from + i) % 5}`,
        value: (from + i) % 7 === 0 ? null : `{"n":${from + i}}`,
        headers: { ce_id: `id-${from + i}`, note: 'ü' },
      })),
    );

  beforeAll(async () => {
    await admin.ensureTopics(topics);
  });

  afterAll(async () => {
    await Promise.all(taps.map((t) => t.stop()));
    await producer.onApplicationShutdown();
    await admin.deleteTopics(topics);
    await admin.onModuleDestroy();
  });

  it('hands every record of every topic over as text, and commits only what the handler stored', async () => {
    await produce(0, 40);
    const stored = new Map<string, TappedRecord>();
    let failuresLeft = 3;
    const groupId = `${prefix}group.one`;
    const first = tap(groupId, (records) => {
      // The database is down for the first attempts: the same records come again, none is skipped.
      if (failuresLeft > 0) {
        failuresLeft--;
        return Promise.reject(new Error('database is down'));
      }
      for (const r of records) {
        stored.set(r.headers.ce_id ?? '', r);
      }
      return Promise.resolve();
    });
    await first.start();
    await until(() => (stored.size === 40 ? true : undefined), '40 stored records');
    expect(first.counters.failures).toBeGreaterThanOrEqual(3);
    const sample = stored.get('id-3');
    expect(sample).toMatchObject({
      topic: topics[1],
      key: 'tenant-3',
      value: '{"n":3}',
      headers: { ce_id: 'id-3', note: 'ü' },
    });
    expect(sample?.offset).toMatch(/^\d+$/);
    expect(Number(sample?.timestamp)).toBeGreaterThan(0);
    expect(stored.get('id-7')?.value).toBeNull();

    const lag = await until(async () => {
      const report = await admin.consumerLag(groupId, topics);
      return report.lag === 0 ? report : undefined;
    }, 'the stored records committed');
    const committed = lag.topics.flatMap((t) => t.partitions.map((p) => p.committedOffset ?? 0));
    expect(committed.reduce((a, b) => a + b, 0)).toBe(40);
    await first.stop();
  });

  it('stops cleanly while the handler keeps failing, committing nothing; the next start reads it all', async () => {
    const groupId = `${prefix}group.two`;
    let attempts = 0;
    const failing = tap(groupId, () => {
      attempts++;
      return Promise.reject(new Error('database is down'));
    });
    await failing.start();
    await until(() => (attempts >= 3 ? true : undefined), 'a few failed attempts');
    const started = Date.now();
    await failing.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    const before = await admin.consumerLag(groupId, topics);
    expect(before.topics.flatMap((t) => t.partitions.map((p) => p.committedOffset))).toEqual(
      before.topics.flatMap((t) => t.partitions.map(() => null)),
    );
    expect(before.lag).toBe(40);

    await produce(40, 10);
    const seen = new Set<string>();
    const working = tap(groupId, (records) => {
      records.forEach((r) => seen.add(r.headers.ce_id ?? ''));
      return Promise.resolve();
    });
    await working.start();
    await until(() => (seen.size === 50 ? true : undefined), 'all 50 records after the restart');
    await until(
      async () => ((await admin.consumerLag(groupId, topics)).lag === 0 ? true : undefined),
      'the records committed after the restart',
    );
    await working.stop();
  });

  it('stores the partitions of one fetch in one handler call, each partition in order, and commits them all', async () => {
    // 50 records wait over the 4 partitions (tests above): a new group's first fetch brings all four at once.
    const groupId = `${prefix}group.three`;
    const calls: TappedRecord[][] = [];
    const together = tap(
      groupId,
      (records) => {
        calls.push(records);
        return Promise.resolve();
      },
      4,
    );
    await together.start();
    await until(() => (calls.flat().length >= 50 ? true : undefined), 'all 50 records stored');
    await until(
      async () => ((await admin.consumerLag(groupId, topics)).lag === 0 ? true : undefined),
      'every partition committed to its end',
    );
    await together.stop();

    const partitionOf = (r: TappedRecord) => `${r.topic}/${r.partition}`;
    const stored = calls.flat();
    expect(new Set(stored.map((r) => r.headers.ce_id)).size).toBe(50);
    expect(stored).toHaveLength(50);
    // Fewer handler calls than partitions with records: a call carried several partitions' chunks.
    const partitions = new Set(stored.map(partitionOf));
    expect(together.counters.chunks).toBe(calls.length);
    expect(calls.length).toBeLessThan(partitions.size);
    expect(Math.max(...calls.map((c) => new Set(c.map(partitionOf)).size))).toBeGreaterThan(1);
    // Within every partition, offsets only go up across and within calls.
    for (const partition of partitions) {
      const offsets = stored.filter((r) => partitionOf(r) === partition).map((r) => Number(r.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });
});
