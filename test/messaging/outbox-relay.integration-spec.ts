import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { exampleEvent } from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import {
  EventSchemasService,
  type MessagingSettings,
  OutboxService,
  TopicAdminService,
  TopicReader,
} from '@app/messaging';
import { spawnNode, waitFor, type Spawned } from '../support/processes.js';
import { dropOutboxRows, uniquePrefix } from '../support/isolation.js';
import { ORDERS } from './fixtures.js';

// The relay of the real orders app, SIGKILLed while it publishes a backlog, then restarted: every event arrives and
// each tenant's events keep their order (a redelivered duplicate may follow, consumers deduplicate by id).
describe('outbox relay', () => {
  const prefix = uniquePrefix('relay');
  const topic = `${prefix}order.created`;
  const settings: MessagingSettings = {
    brokers: ['127.0.0.1:9092'],
    clientId: 'relay-test',
    topicPrefix: prefix,
    partitions: 6,
    replicationFactor: 1,
    partitionsConcurrency: 1,
  };
  const db = new DataSource(
    dataSourceOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 4, logging: false }),
  );
  const admin = new TopicAdminService(settings);
  let proc: Spawned | undefined;

  const startApp = (): Spawned =>
    spawnNode('dist/apps/orders/src/main.js', {
      PORT: '3490',
      HOST: '127.0.0.1',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '6',
      LOG_LEVEL: 'warn',
    });

  const publishedCount = async (ids: string[]): Promise<number> => {
    const rows: { n: string }[] = await db.query(
      'SELECT count(*) AS n FROM orders.outbox WHERE event_id = ANY($1) AND published_at IS NOT NULL',
      [ids],
    );
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    await db.initialize();
    await admin.ensureTopics();
  });

  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await db.destroy();
    await dropOutboxRows(process.env.DATABASE_URL ?? '', prefix);
    await admin.deleteTopics(admin.catalogTopics());
    await admin.onModuleDestroy();
  });

  it('killed mid-batch, loses nothing and keeps per-tenant order', async () => {
    const outbox = new OutboxService(ORDERS, db, new EventSchemasService(), prefix);
    const tenants = Array.from({ length: 10 }, () => randomUUID());
    const order = new Map<string, string[]>(tenants.map((t) => [t, []]));
    for (let batch = 0; batch < 40; batch++) {
      await outbox.transaction(async (uow) => {
        for (let i = 0; i < 10; i++) {
          for (const tenant of tenants) {
            const data = { ...exampleEvent('order.created'), orderId: randomUUID() };
            const env = await uow.publish('order.created', data, { tenantId: tenant, subject: data.orderId });
            order.get(tenant)?.push(env.id);
          }
        }
      });
    }
    const ids = [...order.values()].flat();
    expect(ids).toHaveLength(4000);

    proc = startApp();
    const partial = await waitFor(
      async () => {
        const n = await publishedCount(ids);
        return n > 0 ? n : undefined;
      },
      'the relay to start publishing',
      60_000,
      5,
    );
    proc.child.kill('SIGKILL');
    await proc.exited;
    const atKill = await publishedCount(ids);
    expect(partial).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(ids.length);

    proc = startApp();
    await waitFor(
      async () => ((await publishedCount(ids)) === ids.length ? true : undefined),
      'the backlog to be published after restart',
      60_000,
      100,
    );
    proc.child.kill('SIGTERM');
    await proc.exited;

    const records = await new TopicReader(settings).readAll(topic);
    const seen = new Map<string, string[]>();
    for (const r of records) {
      const tenant = r.key ?? '';
      const list = seen.get(tenant) ?? [];
      const id = r.headers.ce_id ?? '';
      if (!list.includes(id)) {
        list.push(id);
      }
      seen.set(tenant, list);
    }
    for (const tenant of tenants) {
      expect(seen.get(tenant)).toEqual(order.get(tenant));
    }
    const partitionsPerTenant = new Map<string, Set<number>>();
    for (const r of records) {
      const set = partitionsPerTenant.get(r.key ?? '') ?? new Set<number>();
      set.add(r.partition);
      partitionsPerTenant.set(r.key ?? '', set);
    }
    for (const set of partitionsPerTenant.values()) {
      expect(set.size).toBe(1);
    }
  });

  it('defers records the broker refuses without holding back other topics, then publishes them in order', async () => {
    const outbox = new OutboxService(ORDERS, db, new EventSchemasService(), prefix);
    const missing = `${prefix}not-yet-created`;
    const tenant = randomUUID();
    const refusedIds: string[] = [];
    const other = await outbox.transaction(async (uow) => {
      for (let i = 0; i < 3; i++) {
        const id = randomUUID();
        refusedIds.push(id);
        await uow.publishRaw(missing, tenant, { ce_id: id }, JSON.stringify({ i }));
      }
      const data = { ...exampleEvent('order.created'), orderId: randomUUID() };
      return uow.publish('order.created', data, { tenantId: tenant, subject: data.orderId });
    });
    proc = startApp();
    await waitFor(
      async () => ((await publishedCount([other.id])) === 1 ? true : undefined),
      'the record on an existing topic',
      60_000,
    );
    const deferred: { attempts: number; last_error: string | null }[] = await db.query(
      'SELECT attempts, last_error FROM orders.outbox WHERE event_id = ANY($1) AND published_at IS NULL',
      [refusedIds],
    );
    expect(deferred).toHaveLength(3);
    expect(deferred.every((r) => r.attempts >= 1 && (r.last_error ?? '').length > 0)).toBe(true);

    await admin.ensureTopics([missing]);
    await waitFor(
      async () => ((await publishedCount(refusedIds)) === 3 ? true : undefined),
      'the deferred records once their topic exists',
      90_000,
      250,
    );
    proc.child.kill('SIGTERM');
    await proc.exited;
    const records = await new TopicReader(settings).readAll(missing);
    expect(records.map((r) => r.headers.ce_id)).toEqual(refusedIds);
    await admin.deleteTopics([missing]);
  });
});
