import { DataSource } from 'typeorm';
import { SOURCE_MODULES } from '@app/contracts';
import { defineDomain, type MessagingSettings, TopicAdminService, TopicReader } from '@app/messaging';
import { orderEvents, sequence, type LoggedEvent } from '../support/event-log.js';
import { dropOutboxRows, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { type SseMessage, SseStream } from '../support/sse.js';
import {
  type Customer,
  HAPPY_PATH_SOURCES,
  joinedAssignments,
  SplitCluster,
  type Instance,
} from './split-cluster.js';

const PARTITIONS = 4;
/** A build is five steps of this; with two processes taking turns a step can take up to twice as long. */
const STEP_MS = 600;
const ALL_PARTITIONS = Array.from({ length: PARTITIONS }, (_, p) => p);

interface Order {
  id: string;
  status: string;
  serviceId: string | null;
}

// The order flow across eight processes (one per module, each with its own REST routes, consumer group and outbox
// relay), then provisioning scaled to two processes in one consumer group, one of them SIGKILLed under load.
describe('split deployment: eight processes', () => {
  const prefix = uniquePrefix('split');
  const databaseUrl = process.env.DATABASE_URL ?? '';
  const db = new DataSource({ type: 'postgres', url: databaseUrl });
  const cluster = new SplitCluster(3500, {
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    // A killed member keeps its partitions until the broker drops it after this.
    KAFKA_SESSION_TIMEOUT_MS: '8000',
    PROVISIONING_SIMULATOR_STEP_MS: String(STEP_MS),
    // Nine processes share the test database with the other suites.
    DATABASE_POOL_SIZE: '4',
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  });
  // Provisioning instances log their group joins (kafkajs, at info) and taking the relay's lead (Nest, at log).
  const observed = { LOG_LEVEL: 'log', KAFKAJS_LOG_LEVEL: 'info' };
  let planId = '';
  // The suite's view of the broker, for creating nothing, reading one topic and deleting its topics at the end.
  const messaging: MessagingSettings = {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'platforma.test.split',
    topicPrefix: prefix,
    partitions: PARTITIONS,
    replicationFactor: 1,
    partitionsConcurrency: 1,
  };

  /** A failure shows what the processes said, not only which wait timed out. */
  const withLogs = async (scenario: () => Promise<void>): Promise<void> => {
    try {
      await scenario();
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${cluster.logs()}`,
      );
    }
  };

  beforeAll(async () => {
    await db.initialize();
    for (const app of SOURCE_MODULES) {
      cluster.start(app, app, cluster.portOf(app), app === 'provisioning' ? observed : {});
    }
    await withLogs(async () => {
      await Promise.all(SOURCE_MODULES.map((app) => cluster.ready(app, 90_000)));
      planId = await cluster.publishPlan(db, 'Split plan');
    });
  }, 150_000);

  afterAll(async () => {
    await cluster.stopAll();
    await db.destroy();
    const topics = new TopicAdminService(messaging);
    await topics.deleteTopics(topics.catalogTopics());
    await topics.onModuleDestroy();
    await dropOutboxRows(databaseUrl, prefix);
  }, 60_000);

  const customer = () => cluster.customer('Split GmbH', db);

  const buy = (buyer: Customer, hostname?: string) => cluster.buy(buyer, planId, hostname);
  const orderReaches = (buyer: Customer, orderId: string, status: string, timeoutMs?: number) =>
    cluster.orderReaches<Order>(buyer, orderId, status, timeoutMs);

  const count = (log: LoggedEvent[], type: string) => log.filter((e) => e.type === type).length;

  it('happy path: order completed, invoice paid, service active, each step published by its own app', async () => {
    await withLogs(async () => {
      const buyer = await customer();
      const { orderId, invoice } = await buy(buyer);
      // The orders app streams the order's progress from the events it consumes itself.
      const stream = await SseStream.open(
        `http://127.0.0.1:${cluster.portOf('orders')}/v1/orders/${orderId}/events`,
        buyer.token,
      );
      expect(stream.status).toBe(200);
      const streamed = await stream.untilEnd(60_000);
      const statusOf = (m: SseMessage) => (JSON.parse(m.data) as { status: string }).status;
      expect(streamed.filter((m) => m.event === 'status').map(statusOf)).toEqual([
        'pending',
        'awaiting_payment',
        'confirmed',
        'provisioning',
        'completed',
      ]);
      expect(streamed.filter((m) => m.event === 'progress').length).toBeGreaterThan(0);
      const order = await orderReaches(buyer, orderId, 'completed');
      const paid = await cluster.call('billing', 'GET', `/v1/invoices/${invoice.id}`, buyer.token);
      expect(paid.body.status).toBe('paid');
      const service = await cluster.call(
        'provisioning',
        'GET',
        `/v1/services/${order.serviceId}`,
        buyer.token,
      );
      expect(service.status).toBe(200);
      expect(service.body).toMatchObject({ state: 'active', orderId });

      const log = await orderEvents(db, orderId);
      const chain = Object.keys(HAPPY_PATH_SOURCES);
      expect(sequence(log, chain)).toEqual(chain);
      const sources = Object.fromEntries(
        chain.map((t) => [t, log.find((e) => e.type === t)?.headers.ce_source]),
      );
      expect(sources).toEqual(HAPPY_PATH_SOURCES);
    });
  }, 90_000);

  it('provisioning failure: order cancelled, payment refunded, invoice voided', async () => {
    await withLogs(async () => {
      const buyer = await customer();
      // The simulator fails a fail-* hostname at installing_image, not retryable.
      const { orderId, invoice } = await buy(buyer, `fail-${Date.now()}.example.com`);
      const order = await orderReaches(buyer, orderId, 'cancelled');
      expect(order.status).toBe('cancelled');
      const voided = await waitFor(
        async () => {
          const r = await cluster.call('billing', 'GET', `/v1/invoices/${invoice.id}`, buyer.token);
          return r.body.status === 'voided' ? r.body : undefined;
        },
        'the invoice voided',
        30_000,
      );
      expect(voided.status).toBe('voided');
      const log = await orderEvents(db, orderId);
      const refunds = log.filter((e) => e.type === 'payment.refunded');
      expect(refunds).toHaveLength(1);
      expect(refunds[0]?.data.amountMinor).toBe(invoice.totalMinor);
      expect(log.find((e) => e.type === 'provisioning.failed')?.data).toMatchObject({
        reason: 'image_install_failed',
        retryable: false,
      });
      expect(log.find((e) => e.type === 'order.cancelled')?.data).toMatchObject({
        reason: 'provisioning_failed',
      });
      for (const type of [
        'provisioning.failed',
        'provisioning.released',
        'invoice.voided',
        'order.cancelled',
      ]) {
        expect({ type, n: count(log, type) }).toEqual({ type, n: 1 });
      }
      expect(count(log, 'provisioning.completed')).toBe(0);
    });
  }, 90_000);

  it('two provisioning processes share the partitions; one SIGKILLed under load: every order completes once, in order', async () => {
    await withLogs(() => scaleOutAndKill());
    // Inner waits: the second instance's boot (60 s), the rebalance (30 s), two waves of orders (45 s each).
  }, 220_000);

  async function scaleOutAndKill(): Promise<void> {
    const requested = `${prefix}provisioning.requested`;
    const group = `${prefix}${defineDomain('provisioning').groupId}`;
    const first = cluster.instance('provisioning');
    const second = cluster.start('provisioning', 'provisioning-2', 3514, observed);
    await cluster.ready('provisioning-2');

    // Both members of platforma.provisioning hold a share: each log's latest join, together, covers every
    // partition once.
    const shares = await waitFor(
      () => {
        const a = joinedAssignments(first.proc.output(), group, requested);
        const b = joinedAssignments(second.proc.output(), group, requested);
        const [mine, theirs] = [a.at(-1) ?? [], b.at(-1) ?? []];
        const union = [...mine, ...theirs].sort((x, y) => x - y);
        const shared = mine.length > 0 && theirs.length > 0 && union.join() === ALL_PARTITIONS.join();
        return Promise.resolve(
          shared ? { first: mine, second: theirs, joins: [a.length, b.length] } : undefined,
        );
      },
      'the group to share the partitions between the two provisioning processes',
      30_000,
      250,
    );

    // Tenants for every partition (the record key is the tenant id): where each one's account.created landed.
    const byPartition = new Map<number, Customer[]>();
    for (
      let round = 0;
      round < 5 && ALL_PARTITIONS.some((p) => (byPartition.get(p)?.length ?? 0) < 2);
      round++
    ) {
      const batch = await Promise.all(Array.from({ length: 6 }, () => customer()));
      const partitions = await partitionsOf(batch.map((c) => c.accountId));
      for (const buyer of batch) {
        const p = partitions.get(buyer.accountId) ?? -1;
        byPartition.set(p, [...(byPartition.get(p) ?? []), buyer]);
      }
    }
    const tenants = ALL_PARTITIONS.map((p) => (byPartition.get(p) ?? []).slice(0, 2));
    expect(tenants.map((t) => t.length)).toEqual(ALL_PARTITIONS.map(() => 2));

    // Wave 1, both processes up: eight orders over the four partitions.
    const wave1 = await Promise.all(tenants.flat().map((buyer) => buy(buyer)));
    const handled = await requestsHandled(wave1.map((o) => o.orderId));
    expect([
      joinedAssignments(first.proc.output(), group, requested).length,
      joinedAssignments(second.proc.output(), group, requested).length,
    ]).toEqual(shares.joins);
    // With the assignment unchanged since, a partition's owner is the process that consumed its records.
    const byFirst = handled.filter((h) => shares.first.includes(h.partition));
    const bySecond = handled.filter((h) => shares.second.includes(h.partition));
    expect({
      first: byFirst.length > 0,
      second: bySecond.length > 0,
      total: byFirst.length + bySecond.length,
    }).toEqual({
      first: true,
      second: true,
      total: wave1.length,
    });

    // SIGKILL the first process while builds are running (a build takes at least five steps of STEP_MS).
    const running: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM provisioning.build_job WHERE status = 'running'`,
    );
    expect(running[0]?.n).toBeGreaterThan(0);
    expect(logged(first, 'OutboxRelay:provisioning', 'leading the relay')).toBe(true);
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;

    // Wave 2, one order per partition: those on the dead member's partitions wait for the group to rebalance.
    const wave2 = await Promise.all(tenants.map(([buyer]) => buy(buyer)));
    const orders = [...wave1, ...wave2];
    for (const { buyer, orderId } of orders) {
      const order = await orderReaches(buyer, orderId, 'completed', 60_000);
      expect(order.serviceId).toBeTruthy();
    }
    expect(joinedAssignments(second.proc.output(), group, requested).at(-1)).toEqual(ALL_PARTITIONS);
    // The relay's lead (a PostgreSQL advisory lock) went with the dead process's session.
    expect(logged(second, 'OutboxRelay:provisioning', 'leading the relay')).toBe(true);
    await expectEachStepOnce(orders.map((o) => o.orderId));
    await expectConsumersSawPartitionOrder();
    await expectPublishOrderPerAggregate();
  }

  const logged = (instance: Instance, ...parts: string[]) =>
    instance.proc
      .output()
      .split('\n')
      .some((line) => parts.every((part) => line.includes(part)));

  /** The partition each tenant's records land on, seen where billing consumed the tenant's account.created. */
  async function partitionsOf(accountIds: string[]): Promise<Map<string, number>> {
    return waitFor(
      async () => {
        const rows: { key: string; partition: number }[] = await db.query(
          `SELECT o.key, i.partition FROM billing.inbox i JOIN accounts.outbox o ON o.event_id = i.event_id
           WHERE i.topic = $1 AND o.key = ANY($2)`,
          [`${prefix}account.created`, accountIds],
        );
        return rows.length === accountIds.length ? new Map(rows.map((r) => [r.key, r.partition])) : undefined;
      },
      'account.created of the new tenants consumed',
      30_000,
    );
  }

  /** provisioning.requested of these orders as the provisioning group consumed them. */
  async function requestsHandled(orderIds: string[]): Promise<{ orderId: string; partition: number }[]> {
    return waitFor(
      async () => {
        const rows: { orderId: string; partition: number }[] = await db.query(
          `SELECT o.payload::jsonb ->> 'orderId' AS "orderId", i.partition
           FROM provisioning.inbox i JOIN saga.outbox o ON o.event_id = i.event_id
           WHERE i.topic = $1 AND o.payload::jsonb ->> 'orderId' = ANY($2)`,
          [`${prefix}provisioning.requested`, orderIds],
        );
        return rows.length === orderIds.length ? rows : undefined;
      },
      'provisioning.requested of every order consumed',
      45_000,
    );
  }

  /** Nothing done twice: one payment, one build, one completion per order, whichever process did the work. */
  async function expectEachStepOnce(orderIds: string[]): Promise<void> {
    for (const orderId of orderIds) {
      const log = await orderEvents(db, orderId);
      const counts = Object.fromEntries(
        [
          'payment.received',
          'provisioning.requested',
          'provisioning.started',
          'provisioning.completed',
          'order.completed',
          'saga.completed',
        ].map((t) => [t, count(log, t)]),
      );
      expect({ orderId, counts }).toEqual({
        orderId,
        counts: Object.fromEntries(Object.keys(counts).map((t) => [t, 1])),
      });
      const steps = log.filter((e) => e.type === 'provisioning.progress').map((e) => String(e.data.step));
      expect({ orderId, steps: new Set(steps).size, announced: steps.length }).toEqual({
        orderId,
        steps: 5,
        announced: 5,
      });
    }
    const builds: { services: number; jobs: number; succeeded: number; active: number }[] = await db.query(
      `SELECT count(DISTINCT s.id)::int AS services, count(j.id)::int AS jobs,
              count(*) FILTER (WHERE j.status = 'succeeded')::int AS succeeded,
              count(DISTINCT s.id) FILTER (WHERE s.state = 'active')::int AS active
       FROM provisioning.service s JOIN provisioning.build_job j ON j.service_id = s.id
       WHERE s.order_id = ANY($1)`,
      [orderIds],
    );
    const n = orderIds.length;
    expect(builds[0]).toEqual({ services: n, jobs: n, succeeded: n, active: n });
  }

  /** Every inbox row of this suite: which group consumed which record, where, and when it committed. */
  async function inboxRows() {
    const union = SOURCE_MODULES.map(
      (s) =>
        `SELECT '${s}' AS schema, consumer_group AS "group", event_id AS "eventId", topic, partition,
                "offset"::text AS "offset", (extract(epoch FROM processed_at) * 1000000)::bigint::text AS "at"
         FROM "${s}".inbox WHERE starts_with(topic, $1)`,
    ).join(' UNION ALL ');
    const rows: {
      schema: string;
      group: string;
      eventId: string;
      topic: string;
      partition: number;
      offset: string;
      at: string;
    }[] = await db.query(union, [prefix]);
    return rows;
  }

  /**
   * Consumer side: within each group, each partition's records were handled in offset order, across the kill and the
   * takeover too. The inbox row commits with the handler's work, so its processed_at is when the group took the
   * record into account; a record handled before an earlier one of its partition would show a smaller time. A
   * partition is one key range, so this is each tenant's order on each topic.
   */
  async function expectConsumersSawPartitionOrder(): Promise<void> {
    const rows = await inboxRows();
    expect(rows.length).toBeGreaterThan(100);
    const streams = Map.groupBy(rows, (r) => `${r.schema} ${r.group} ${r.topic} #${r.partition}`);
    const outOfOrder: string[] = [];
    for (const [stream, records] of streams) {
      records.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
      for (let i = 1; i < records.length; i++) {
        if (BigInt(records[i]?.at ?? 0) < BigInt(records[i - 1]?.at ?? 0)) {
          outOfOrder.push(`${stream}: offset ${records[i]?.offset} handled before ${records[i - 1]?.offset}`);
        }
      }
    }
    expect(outOfOrder).toEqual([]);
  }

  /** Outbox rows of this suite: the order each module wrote its events in (id). */
  async function outboxIds(): Promise<Map<string, bigint>> {
    const union = SOURCE_MODULES.map(
      (s) => `SELECT id::text AS id, event_id AS "eventId" FROM "${s}".outbox WHERE starts_with(topic, $1)`,
    ).join(' UNION ALL ');
    const rows: { id: string; eventId: string }[] = await db.query(union, [prefix]);
    return new Map(rows.map((r) => [r.eventId, BigInt(r.id)]));
  }

  /**
   * Producer side, read from Kafka itself: one aggregate's events on one topic sit in their partition in the order
   * their module wrote them. An aggregate's events are written one transaction after another (its row is locked),
   * so their outbox ids are in commit order; across aggregates ids need not be, so only same-subject events are
   * compared. A relay that dies before marking a row published sends it again later: the first copy counts.
   * provisioning.progress is what the kill disturbed most (both processes ran build steps, the relay's lead moved to
   * the survivor); saga.step_completed, from the saga's undisturbed relay, is the control.
   */
  async function expectPublishOrderPerAggregate(): Promise<void> {
    const written = await outboxIds();
    const reader = new TopicReader(messaging);
    for (const type of ['provisioning.progress', 'saga.step_completed']) {
      const seen = new Set<string>();
      const firsts = (await reader.readAll(`${prefix}${type}`)).filter((r) => {
        const id = r.headers.ce_id ?? '';
        const first = !seen.has(id);
        seen.add(id);
        return first;
      });
      const aggregates = [...Map.groupBy(firsts, (r) => `${r.key} ${r.headers.ce_subject}`).entries()].filter(
        ([, events]) => events.length > 1,
      );
      const wrong = aggregates.flatMap(([aggregate, events]) => {
        const ids = events.map((r) => written.get(r.headers.ce_id ?? '') ?? -1n);
        const percents = events.map(
          (r) => (JSON.parse(r.value ?? '{}') as { percent?: number }).percent ?? 0,
        );
        const inOrder =
          ids.every((id, i) => id >= 0n && (i === 0 || id > (ids[i - 1] ?? id))) &&
          percents.every((p, i) => i === 0 || p >= (percents[i - 1] ?? p));
        return inOrder
          ? []
          : [`${type} ${aggregate}: outbox ids ${ids.join(',')} percents ${percents.join(',')}`];
      });
      expect({ type, aggregates: aggregates.length >= 12, wrong }).toEqual({
        type,
        aggregates: true,
        wrong: [],
      });
    }
  }
});
