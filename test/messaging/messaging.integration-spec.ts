import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { exampleEvent, type EventEnvelope } from '@app/contracts';
import {
  DLQ_HEADER,
  encodeEnvelope,
  EventProducer,
  InvalidEventError,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  redriveDeadLetter,
  RedriveRefusedError,
  RelayHostService,
  TopicAdminService,
  TopicReader,
} from '@app/messaging';
import { committedPast, consumerServers, inboxHits } from '../support/consumers.js';
import { waitFor } from '../support/processes.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import {
  BILLING,
  EFFECTS_DDL,
  invocations,
  orderCreatedEnvelope,
  ORDERS,
  refuseOnce,
  startTestApp,
} from './fixtures.js';

describe('messaging backbone (real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('msg');
  const topic = `${prefix}order.created`;
  let app: INestApplication;
  let db: DataSource;
  let reader: TopicReader;

  const start = (): Promise<INestApplication> => startTestApp('messaging-test', prefix, 6);

  beforeAll(async () => {
    app = await start();
    db = app.get(DataSource);
    await db.query(EFFECTS_DDL);
    reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  const orderData = (hostname: string) => ({
    ...exampleEvent('order.created'),
    orderId: randomUUID(),
    hostname,
  });

  const publish = (tenantId: string, hostname: string): Promise<EventEnvelope<'order.created'>> =>
    app
      .get(RelayHostService)
      .outboxOf('orders')
      .transaction((uow) => {
        const data = orderData(hostname);
        return uow.publish('order.created', data, { tenantId, subject: data.orderId });
      });

  const effects = async (eventId: string): Promise<string[]> => {
    const rows: { consumer: string }[] = await db.query(
      'SELECT consumer FROM public.messaging_test_effect WHERE event_id = $1 ORDER BY consumer',
      [eventId],
    );
    return rows.map((r) => r.consumer);
  };

  const settled = (eventId: string, expected: string[], timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const found = await effects(eventId);
        return found.length >= expected.length ? found : undefined;
      },
      `effects of ${eventId}`,
      timeoutMs,
    );

  /** Both groups are done with every record on the topic: nothing on it can still be (re)delivered to them. */
  const drained = () =>
    committedPast(
      app,
      consumerServers(app).map((s) => s.groupId),
      [topic],
    );

  const dlq = async (predicate: (headers: Record<string, string>) => boolean) =>
    waitFor(async () => {
      const records = await reader.readAll(`${topic}.dlq`);
      const found = records.filter((r) => predicate(r.headers));
      return found.length > 0 ? found : undefined;
    }, 'dead letters');

  it('two modules in one process subscribed to one topic each handle an event exactly once', async () => {
    const event = await publish(randomUUID(), 'web-1.example.com');
    expect(await settled(event.id, ['billing', 'orders'])).toEqual(['billing', 'orders']);
    await drained();
    expect(await effects(event.id)).toEqual(['billing', 'orders']);
    expect(invocations.get(event.id)).toBe(2);
  });

  it('a handler publishes through the outbox in its own transaction, carrying correlation and causation', async () => {
    const event = await publish(randomUUID(), 'chain-1.example.com');
    await settled(event.id, ['billing', 'orders']);
    const confirmed = await waitFor(async () => {
      const records = await reader.readAll(`${prefix}order.confirmed`);
      return records.find((r) => r.headers.ce_causationid === event.id);
    }, 'order.confirmed caused by the order');
    expect(confirmed.key).toBe(event.tenantid);
    expect(confirmed.headers).toMatchObject({
      ce_tenantid: event.tenantid,
      ce_correlationid: event.correlationid,
      ce_type: 'order.confirmed',
      ce_source: 'orders',
    });
  });

  it('the same event delivered twice has one effect', async () => {
    const envelope = orderCreatedEnvelope('twice.example.com');
    const record = { topic, ...encodeEnvelope(envelope) };
    const hits = inboxHits(app);
    await app.get(EventProducer).send([record, record]);
    await app.get(EventProducer).send([record]);
    await settled(envelope.id, ['billing', 'orders']);
    // Three copies: each group handles one and skips the other two at its inbox.
    const copy = { topic, type: envelope.type };
    await hits.seen([copy, copy]);
    expect(Object.values(hits.byGroup())).toEqual([2, 2]);
    expect(invocations.get(envelope.id)).toBe(2);
    expect(await effects(envelope.id)).toEqual(['billing', 'orders']);
    const inbox: { n: string }[] = await db.query(
      'SELECT count(*) AS n FROM orders.inbox WHERE event_id = $1',
      [envelope.id],
    );
    expect(Number(inbox[0]?.n)).toBe(1);
  });

  it('a poison message lands in the DLQ with its reason and the next message on its partition is processed', async () => {
    const tenant = randomUUID();
    const producer = app.get(EventProducer);
    const good = encodeEnvelope({
      id: uuidv7(),
      type: 'order.created',
      specversion: '1.0',
      source: 'orders',
      time: new Date().toISOString(),
      subject: randomUUID(),
      version: 2,
      tenantid: tenant,
      correlationid: randomUUID(),
      data: orderData('after-poison.example.com'),
    });
    const invalidJson = { ...good, value: '{"orderId": ' };
    const wrongSchema = {
      ...good,
      headers: { ...good.headers, ce_id: uuidv7() },
      value: '{"orderId":"nope"}',
    };
    const unknownVersion = { ...good, headers: { ...good.headers, ce_id: uuidv7(), ce_version: '9' } };
    await producer.send([invalidJson, wrongSchema, unknownVersion].map((r) => ({ topic, ...r })));
    const refused = await publish(tenant, 'poison-1.example.com');
    await producer.send([{ topic, ...good }]);

    const goodId = good.headers.ce_id ?? '';
    expect(await settled(goodId, ['billing', 'orders'])).toEqual(['billing', 'orders']);
    const letters = await dlq((h) => h.ce_tenantid === tenant);
    await waitFor(
      async () => ((await dlq((h) => h.ce_tenantid === tenant)).length >= 8 ? true : undefined),
      '8',
    );
    const all = await dlq((h) => h.ce_tenantid === tenant);
    const reasons = all.map((l) => l.headers[DLQ_HEADER.error] ?? '');
    expect(reasons.filter((r) => r.includes('value is not JSON'))).toHaveLength(2);
    expect(reasons.filter((r) => r.includes('schema validation failed'))).toHaveLength(2);
    expect(reasons.filter((r) => r.includes('unsupported version 9'))).toHaveLength(2);
    expect(
      reasons.filter((r) => r.includes('rejected: hostname poison-1.example.com is refused')),
    ).toHaveLength(2);
    for (const letter of all) {
      expect(letter.key).toBe(tenant);
      expect(letter.headers[DLQ_HEADER.originalTopic]).toBe(topic);
      expect(letter.headers[DLQ_HEADER.originalOffset]).toMatch(/^\d+$/);
      expect(letter.headers[DLQ_HEADER.originalPartition]).toMatch(/^\d+$/);
      expect(letter.headers[DLQ_HEADER.attempts]).toBe('1');
      expect(Date.parse(letter.headers[DLQ_HEADER.firstFailureTime] ?? '')).not.toBeNaN();
    }
    expect(letters.length).toBeGreaterThan(0);
    expect(await effects(refused.id)).toEqual([]);
  });

  it('retries a transient failure in place and handles the event once', async () => {
    const event = await publish(randomUUID(), 'flaky-1.example.com');
    expect(await settled(event.id, ['billing', 'orders'])).toEqual(['billing', 'orders']);
    // Two failed attempts and one success in each of the two modules.
    expect(invocations.get(event.id)).toBe(6);
  });

  it('redrives a dead letter to its original topic, with a counter and a cap', async () => {
    const tenant = randomUUID();
    refuseOnce.add('redrive.example.com');
    const event = await publish(tenant, 'redrive.example.com');
    const [letter] = await dlq((h) => h.ce_id === event.id);
    expect(letter).toBeDefined();
    // One module refused it, the other handled it.
    await settled(event.id, ['x']);
    const outbox = app.get(RelayHostService).outboxOf('orders');
    const dead = {
      topic: `${topic}.dlq`,
      key: letter?.key ?? '',
      value: letter?.value ?? '',
      headers: letter?.headers ?? {},
    };
    await outbox.transaction((uow) => redriveDeadLetter(uow, dead));
    expect(await settled(event.id, ['billing', 'orders'])).toEqual(['billing', 'orders']);
    const redriven = await waitFor(async () => {
      const records = await reader.readAll(topic);
      return records.find((r) => r.headers.ce_id === event.id && r.headers[DLQ_HEADER.redriveCount] === '1');
    }, 'the redriven record');
    expect(redriven.headers[DLQ_HEADER.error]).toBeUndefined();
    const capped = { ...dead, headers: { ...dead.headers, [DLQ_HEADER.redriveCount]: '3' } };
    await expect(outbox.transaction((uow) => redriveDeadLetter(uow, capped))).rejects.toBeInstanceOf(
      RedriveRefusedError,
    );
  });

  it('refuses an invalid event at publish and writes nothing', async () => {
    const tenant = randomUUID();
    const outbox = app.get(RelayHostService).outboxOf('orders');
    const attempt = outbox.transaction(async (uow) => {
      await uow.manager.query(
        'INSERT INTO public.messaging_test_effect (consumer, event_id, tenant, hostname) VALUES ($1, $2, $3, $4)',
        ['publisher', randomUUID(), tenant, 'invalid.example.com'],
      );
      const bad = { ...orderData('invalid.example.com'), priceMinor: -5, currency: 'euros' };
      return uow.publish('order.created', bad, { tenantId: tenant, subject: bad.orderId });
    });
    await expect(attempt).rejects.toBeInstanceOf(InvalidEventError);
    await expect(attempt).rejects.toThrow(/priceMinor|currency/);
    const rows: unknown[] = await db.query('SELECT 1 FROM public.messaging_test_effect WHERE tenant = $1', [
      tenant,
    ]);
    expect(rows).toHaveLength(0);
    const outboxRows: unknown[] = await db.query('SELECT 1 FROM orders.outbox WHERE key = $1', [tenant]);
    expect(outboxRows).toHaveLength(0);
  });

  it('keeps a long handler in its group with heartbeats: no rebalance, no redelivery', async () => {
    // Earlier tests' copies (the redriven record) are consumed before counting.
    await drained();
    const hits = inboxHits(app);
    const event = await publish(randomUUID(), 'slow-1.example.com');
    // 10 s handlers against a 6 s session timeout: without heartbeats the group would rebalance and redeliver.
    expect(await settled(event.id, ['billing', 'orders'], 45_000)).toEqual(['billing', 'orders']);
    await drained();
    // A redelivery would have ended as an inbox hit in its group.
    expect(Object.values(hits.byGroup())).toEqual([0, 0]);
    expect(invocations.get(event.id)).toBe(2);
    expect(await effects(event.id)).toEqual(['billing', 'orders']);
  });

  it('handles 1,000 events of 20 tenants concurrently, each tenant in publish order', async () => {
    const tenants = Array.from({ length: 20 }, () => randomUUID());
    const published = new Map<string, string[]>(tenants.map((t) => [t, []]));
    const outbox = app.get(RelayHostService).outboxOf('orders');
    for (let batch = 0; batch < 50; batch++) {
      // 20 events per transaction, one per tenant, interleaved across tenants.
      await outbox.transaction(async (uow) => {
        for (const tenant of tenants) {
          const data = orderData(`seq-${batch}.example.com`);
          const env = await uow.publish('order.created', data, { tenantId: tenant, subject: data.orderId });
          published.get(tenant)?.push(env.id);
        }
      });
    }
    await waitFor(
      async () => {
        const rows: { n: string }[] = await db.query(
          `SELECT count(*) AS n FROM public.messaging_test_effect WHERE tenant = ANY($1) AND consumer = 'orders'`,
          [tenants],
        );
        return Number(rows[0]?.n) >= 1000 ? true : undefined;
      },
      '1,000 handled events',
      120_000,
      250,
    );
    const rows: { tenant: string; event_id: string }[] = await db.query(
      `SELECT tenant, event_id FROM public.messaging_test_effect
       WHERE tenant = ANY($1) AND consumer = 'orders' ORDER BY id`,
      [tenants],
    );
    expect(rows).toHaveLength(1000);
    for (const tenant of tenants) {
      expect(rows.filter((r) => r.tenant === tenant).map((r) => r.event_id)).toEqual(published.get(tenant));
    }
    const partitions: { n: string }[] = await db.query(
      `SELECT count(DISTINCT partition) AS n FROM orders.inbox WHERE event_id = ANY($1)`,
      [[...published.values()].flat()],
    );
    expect(Number(partitions[0]?.n)).toBeGreaterThan(1);
  });

  it('after a crash between DB commit and offset commit, redelivery has no second effect', async () => {
    const tenant = randomUUID();
    const events = [];
    for (let i = 0; i < 5; i++) {
      events.push(await publish(tenant, `crash-${i}.example.com`));
    }
    for (const e of events) {
      await settled(e.id, ['billing', 'orders']);
    }
    // Rewind the committed offsets to the start, as if none had been committed when the process died.
    await app.close();
    const admin = app.get(TopicAdminService);
    await admin.resetOffsetsToEarliest(`${prefix}${ORDERS.groupId}`, topic);
    await admin.resetOffsetsToEarliest(`${prefix}${BILLING.groupId}`, topic);
    await admin.onModuleDestroy();
    app = await start();
    db = app.get(DataSource);
    const newer = await publish(tenant, 'after-rewind.example.com');
    await settled(newer.id, ['billing', 'orders']);
    for (const e of events) {
      expect(await effects(e.id)).toEqual(['billing', 'orders']);
    }
    const duplicates: { n: string }[] = await db.query(
      `SELECT count(*) AS n FROM (SELECT event_id, consumer FROM public.messaging_test_effect
         GROUP BY event_id, consumer HAVING count(*) > 1) d`,
    );
    expect(Number(duplicates[0]?.n)).toBe(0);
  });
});
