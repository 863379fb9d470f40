import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import { defineDomain } from '../domain.js';
import { EventProducer } from '../kafka/event.producer.js';
import type { MessagingSettings } from '../messaging.settings.js';
import { TopicAdminService } from '../topics/topic-admin.service.js';
import { TopicReader } from '../topics/topic-reader.js';
import { EventSchemasService } from '../validation/event-schemas.service.js';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay } from './outbox-relay.js';
import { OutboxService } from './outbox.service.js';

// The relay's marks against the real broker and database: a published row is marked by the relay's next
// pending-row query (no statement of its own) or at stop, and no row goes out twice across a graceful restart.
// The poll interval is a minute and the outbox a copy of the real one in a schema of its own (its own NOTIFY
// channel), so only this test's commits (or stop()) make the relay touch the table.
describe('OutboxRelay marks', () => {
  const prefix = `t.relay-marks.${randomBytes(4).toString('hex')}.`;
  const topic = `${prefix}marks`;
  const url = process.env.DATABASE_URL ?? '';
  const settings: MessagingSettings = {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'relay-marks-test',
    topicPrefix: prefix,
    partitions: 1,
    replicationFactor: 1,
    partitionsConcurrency: 1,
  };
  const schema = `relay_marks_${randomBytes(4).toString('hex')}`;
  const domain = { ...defineDomain('orders'), schema };
  const db = new DataSource(dataSourceOptions({ url, poolSize: 2, logging: false }));
  const admin = new TopicAdminService(settings);
  const producer = new EventProducer(settings);
  const tenant = randomUUID();
  let relay: OutboxRelay | undefined;

  const write = async (): Promise<string> => {
    const id = randomUUID();
    await new OutboxService(domain, db, new EventSchemasService(), prefix).transaction((uow) =>
      uow.publishRaw(topic, tenant, { ce_id: id }, JSON.stringify({ id })),
    );
    return id;
  };
  const onTopic = async (): Promise<string[]> =>
    (await new TopicReader(settings).readAll(topic)).map((r) => r.headers.ce_id ?? '');
  const row = async (id: string): Promise<{ created_at: Date; published_at: Date | null }> => {
    const rows: { created_at: Date; published_at: Date | null }[] = await db.query(
      `SELECT created_at, published_at FROM ${schema}.outbox WHERE event_id = $1`,
      [id],
    );
    if (!rows[0]) {
      throw new Error(`no outbox row ${id}`);
    }
    return rows[0];
  };
  const marked = async (id: string): Promise<boolean> => (await row(id)).published_at !== null;
  const until = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
    for (const deadline = Date.now() + 30_000; !(await condition()); await sleep(50)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}`);
      }
    }
  };
  /** A relay that has taken the lead and settled (the wake-up of its LISTEN session's start is behind it). */
  const startRelay = async (): Promise<OutboxRelay> => {
    const started = new OutboxRelay(domain, url, producer, prefix, {
      ...DEFAULT_RELAY_OPTIONS,
      pollIntervalMs: 60_000,
    });
    relay = started;
    started.start();
    await until(() => Promise.resolve(started.isLeader), 'the relay to lead');
    await sleep(500);
    return started;
  };

  beforeAll(async () => {
    await db.initialize();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.outbox (LIKE orders.outbox INCLUDING ALL)`);
    await db.query(`
      CREATE FUNCTION ${schema}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('platforma_outbox_${schema}', '');
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON ${schema}.outbox
      FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.outbox_notify()`);
    await admin.ensureTopics([topic]);
  });

  afterAll(async () => {
    await relay?.stop();
    await producer.onApplicationShutdown();
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.destroy();
    await admin.deleteTopics([topic]);
    await admin.onModuleDestroy();
  });

  it('marks a published row with its next query or at stop, and publishes it once', async () => {
    const running = await startRelay();
    const first = await write();
    await until(async () => (await onTopic()).includes(first), 'the first row on the topic');
    // Acknowledged, not marked yet: the mark waits for the relay's next query.
    await sleep(300);
    expect(await marked(first)).toBe(false);

    const second = await write();
    await until(async () => (await onTopic()).includes(second), 'the second row on the topic');
    // The query that found the second row marked the first, stamped when the broker acknowledged it (before the
    // second row was written); the second waits in its turn.
    const firstRow = await row(first);
    expect(firstRow.published_at?.getTime()).toBeLessThan((await row(second)).created_at.getTime());
    expect(await marked(second)).toBe(false);

    await running.stop();
    expect(await marked(second)).toBe(true);

    // The next leader finds nothing left to publish: each row once, in order.
    const next = await startRelay();
    const third = await write();
    await until(async () => (await onTopic()).includes(third), 'the third row on the topic');
    await next.stop();
    expect(await onTopic()).toEqual([first, second, third]);
  });
});
