import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SOURCE_MODULES, type SourceModule } from '@app/contracts';
import {
  EventProducer,
  type MessagingSettings,
  RecordTap,
  type StoppedConsumer,
  stoppedConsumers,
  TopicAdminService,
} from '@app/messaging';
import { orderEvents, sequence } from '../support/event-log.js';
import { dropOutboxRows, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { HAPPY_PATH_SOURCES, SplitCluster } from '../split/split-cluster.js';
import { RecordingLogger, SecureBroker } from './secure-broker.js';

const PARTITIONS = 2;
const BASE_PORT = 3700;
/** What a client logs when the broker refused it: a missing ACL or a failed SASL authentication. */
const KAFKA_REFUSAL =
  /authorization failed|not authorized to access|_AUTHORIZATION_FAILED|authentication failed/i;

interface Link {
  name: string;
  type?: string;
  code?: string;
  message: string;
}

/** An error and its causes, as kafkajs nests them (its retrier wraps the connection's error). */
function chain(error: unknown): Link[] {
  const links: Link[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 10; depth++) {
    const { type, code, originalError } = e as Error & {
      type?: string;
      code?: string;
      originalError?: unknown;
    };
    links.push({ name: e.name, type, code, message: e.message });
    e = originalError ?? e.cause;
  }
  return links;
}

/** What an attempt the broker should refuse ends with; one that succeeds shows up as a wrong error. */
async function refusal(attempt: () => Promise<unknown>): Promise<Link[]> {
  try {
    return chain(new Error(`not refused: ${JSON.stringify(await attempt())}`));
  } catch (error) {
    return chain(error);
  }
}

async function ping(settings: MessagingSettings): Promise<unknown> {
  const admin = new TopicAdminService(settings);
  try {
    return await admin.ping();
  } finally {
    await admin.onModuleDestroy();
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// deploy/kafka-security for real: a second broker started by broker-start.sh with certs.sh's certificates (SASL_SSL,
// SCRAM-SHA-512, the StandardAuthorizer), topics created as admin, users and ACLs by setup.sh; the eight split apps
// each as its own Kafka user carry an order through, and the broker refuses what acls.txt does not grant.
describe('Kafka SASL_SSL with per-app SCRAM users and ACLs (deploy/kafka-security)', () => {
  const prefix = uniquePrefix('sasl');
  const databaseUrl = process.env.DATABASE_URL ?? '';
  const db = new DataSource({ type: 'postgres', url: databaseUrl });
  const broker = new SecureBroker();
  const kafkaLogs = new RecordingLogger();
  const facts: string[] = [];
  const outcome = { appsReady: 0, orderCompleted: false };
  let cluster: SplitCluster | undefined;
  let planId = '';
  let early: { withoutTls: Promise<Link[]>; untrusted: Promise<Link[]> } | undefined;

  const app = (name: SourceModule, client: string) =>
    broker.settings(`platforma-${name}`, broker.passwords[name], client, prefix);

  beforeAll(async () => {
    // The suite's own clients log through Nest: kafkajs's reasons for a refusal are read from here.
    Logger.overrideLogger(kafkaLogs);
    await db.initialize();
    let since = Date.now();
    await broker.start(120_000);
    facts.push(`certificates and broker up in ${seconds(since)}`);
    // kafkajs gives up on a connection that keeps breaking only after ~17 s of retries: these two attempts run
    // while the rest goes on, their test checks how they ended.
    early = {
      withoutTls: refusal(() => ping({ ...app('accounts', 'without-tls'), ssl: undefined })),
      untrusted: refusal(() => ping({ ...app('accounts', 'untrusted'), ssl: {} })),
    };
    since = Date.now();
    const [topics, acls] = await Promise.all([
      broker.createTopics(prefix, PARTITIONS, 60_000),
      broker.setup(prefix, 150_000),
    ]);
    facts.push(`topics ${topics}, ${acls}, in ${seconds(since)}`);
    cluster = new SplitCluster(BASE_PORT, {
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      DATABASE_POOL_SIZE: '3',
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
    });
  }, 300_000);

  afterAll(async () => {
    await cluster?.stopAll();
    await Promise.all([early?.withoutTls, early?.untrusted]);
    await broker.stop();
    await db.destroy();
    await dropOutboxRows(databaseUrl, prefix);
  }, 60_000);

  it('runs the eight apps as their own Kafka users; an order goes through all of them', async () => {
    const split = cluster as SplitCluster;
    const since = Date.now();
    for (const name of SOURCE_MODULES) {
      // Billing's group joins and assignments in its log, for when the recovery test below fails.
      const trace: Record<string, string> =
        name === 'billing' ? { KAFKAJS_LOG_LEVEL: 'info', LOG_LEVEL: 'log' } : {};
      split.start(name, name, split.portOf(name), { ...broker.appEnv(name), ...trace });
    }
    try {
      await Promise.all(
        SOURCE_MODULES.map(async (name) => {
          await split.ready(name, 90_000);
          outcome.appsReady++;
        }),
      );
      facts.push(`apps ready in ${seconds(since)}`);
      await orderThrough(split);
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${split.logs(30_000)}`,
      );
    }
    const refused = [...split.instances.values()].flatMap((i) =>
      i.proc
        .output()
        .split('\n')
        .filter((line) => KAFKA_REFUSAL.test(line))
        .map((line) => `${i.name}: ${line.slice(0, 300)}`),
    );
    expect(refused).toEqual([]);
    outcome.orderCompleted = true;
  }, 180_000);

  async function orderThrough(split: SplitCluster): Promise<void> {
    const since = Date.now();
    // catalog.plan.published reaches orders' and the saga's read models through the secure broker.
    planId = await split.publishPlan(db, 'SASL plan');
    const buyer = await split.customer('SASL GmbH', db);
    const { orderId } = await split.buy(buyer, planId);
    await split.orderReaches(buyer, orderId, 'completed');

    const log = await orderEvents(db, orderId);
    const chain = HAPPY_PATH_SOURCES;
    expect(sequence(log, Object.keys(chain))).toEqual(Object.keys(chain));
    // order.completed and saga.completed both follow provisioning.completed, in either order.
    const sources = { ...chain, 'order.completed': 'orders' };
    expect(
      Object.fromEntries(log.filter((e) => e.type in sources).map((e) => [e.type, e.headers.ce_source])),
    ).toEqual(sources);
    // The two apps at the end of the line heard of it too: notifications consumed the saga's request for the
    // credentials mail (order.completed only reaches it for customer webhooks, which it skips without an inbox row
    // when the tenant has none), the audit log recorded order.completed (its tap reads every topic in a group of its
    // own).
    const completed = log.find((e) => e.type === 'order.completed')?.id;
    const mailRequests = log.filter((e) => e.type === 'notification.requested').map((e) => e.id);
    expect(mailRequests.length).toBeGreaterThan(0);
    await waitFor(
      async () => {
        const rows: unknown[] = await db.query(
          `SELECT 1 FROM notifications.inbox WHERE starts_with(topic, $1) AND event_id = ANY($2::uuid[])
           UNION ALL SELECT 1 FROM audit.event_log WHERE event_id = $3`,
          [prefix, mailRequests, completed],
        );
        return rows.length === mailRequests.length + 1 ? true : undefined;
      },
      "the order's mail requests in the notifications inbox and order.completed in the audit log",
      30_000,
    );
    expect(await kafkaWork()).toEqual(Object.fromEntries(SOURCE_MODULES.map((name) => [name, true])));
    facts.push(`order completed in ${seconds(since)}`);
  }

  /** Each app did its part over Kafka as its own user: published from its outbox, consumed in its group. */
  async function kafkaWork(): Promise<Record<string, boolean>> {
    const work: Record<string, boolean> = {};
    for (const name of SOURCE_MODULES) {
      const [row] = await db.query<{ n: string }[]>(
        `SELECT (SELECT count(*) FROM "${name}".outbox WHERE starts_with(topic, $1) AND published_at IS NOT NULL)
              + (SELECT count(*) FROM "${name}".inbox WHERE starts_with(topic, $1) AND consumer_group = $2)
              + (SELECT count(*) FROM audit.event_log WHERE $3) AS n`,
        [prefix, `platforma.${name}`, name === 'audit'],
      );
      work[name] = Number(row?.n) > 0;
    }
    return work;
  }

  it('takes an app out of readiness while the broker refuses its consumer, and back in once it is allowed', async () => {
    const split = cluster as SplitCluster;
    expect(planId).not.toBe('');
    const ready = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`http://127.0.0.1:${split.portOf('billing')}/health/ready`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const topic = `${prefix}order.created`;
    try {
      // An operator takes billing's read of order.created away: kafkajs gives up on such a consumer for good.
      const moments: string[] = [`read removed at ${new Date().toISOString()}`];
      await broker.acl('remove', 'platforma-billing', 'Read', topic);
      const down = await waitFor(
        async () => {
          const r = await ready();
          return r.status === 503 ? r.body : undefined;
        },
        'billing unready',
        60_000,
        250,
      );
      // problem+json, with terminus's checks as an extension member.
      const consumers = (down.checks as { consumers?: { status: string; stopped: StoppedConsumer[] } })
        .consumers;
      expect(down.status).toBe(503);
      expect(consumers?.status).toBe('down');
      expect(consumers?.stopped.map((c) => c.group)).toEqual([`${prefix}platforma.billing`]);
      expect(consumers?.stopped[0]?.reason).toMatch(/authoriz/i);
      // The grant is back: the supervisor's next start joins the group, billing is ready and invoices again.
      moments.push(`unready seen at ${new Date().toISOString()}`);
      await broker.acl('add', 'platforma-billing', 'Read', topic);
      moments.push(`read granted again at ${new Date().toISOString()}`);
      await waitFor(
        async () => ((await ready()).status === 200 ? true : undefined),
        'billing ready again',
        90_000,
        250,
      );
      // Ready means its consumer is started again; on a loaded machine joining the group and fetching can take
      // longer than the usual 30 s before the first invoice.
      moments.push(`ready again at ${new Date().toISOString()}`);
      const buyer = await split.customer('Recovered GmbH', db);
      const { orderId } = await split.buy(buyer, planId, undefined, 90_000).catch((error: unknown) => {
        throw new Error(`${String(error)} (${moments.join(', ')})`);
      });
      await split.orderReaches(buyer, orderId, 'completed');
      facts.push('billing unready without its grant, back and invoicing with it');
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${split.logs(30_000, /"context":"HTTP"/)}`,
      );
    }
  }, 240_000);

  it('refuses a wrong password, plain TCP, an untrusted certificate and whatever acls.txt does not grant', async () => {
    // The billing group is taken over below: no app may be in it.
    await cluster?.stopAll();
    const refusals: string[] = [];

    // Authentication. Wrong password: SCRAM fails, on both ends.
    expect(await ping(app('accounts', 'right-password'))).toMatchObject({ brokers: 1 });
    const wrong = await refusal(() =>
      ping(broker.settings('platforma-accounts', `${broker.passwords.accounts}x`, 'wrong-password', prefix)),
    );
    expect(wrong[0]).toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    expect(wrong[0]?.message).toContain('invalid credentials with SASL mechanism SCRAM-SHA-512');
    expect(await broker.serverLog()).toContain('invalid credentials with SASL mechanism SCRAM-SHA-512');
    refusals.push('wrong password');

    // No TLS: the listener takes the plain request for a broken handshake and hangs up.
    const withoutTls = await (early as NonNullable<typeof early>).withoutTls;
    expect(withoutTls[0]).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(withoutTls.at(-1)).toMatchObject({ name: 'KafkaJSConnectionClosedError' });
    expect(await broker.serverLog()).toContain('Failed authentication with /127.0.0.1');
    expect(await broker.serverLog()).toContain('(SSL handshake failed)');
    refusals.push('no TLS');

    // A client that trusts only the system's CAs refuses the broker's certificate.
    const untrusted = await (early as NonNullable<typeof early>).untrusted;
    expect(untrusted.at(-1)).toMatchObject({
      name: 'KafkaJSConnectionError',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    refusals.push('untrusted CA');

    // Authorization. catalog may not write account.created, accounts (its source) may.
    const record = { topic: `${prefix}account.created`, key: randomUUID(), value: '{}', headers: {} };
    const catalog = new EventProducer(app('catalog', 'catalog-writes'));
    const accounts = new EventProducer(app('accounts', 'accounts-writes'));
    try {
      const written = await refusal(() => catalog.send([record]));
      expect(written[0]).toMatchObject({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED' });
      await expect(accounts.send([record])).resolves.toBeUndefined();
    } finally {
      await catalog.onApplicationShutdown();
      await accounts.onApplicationShutdown();
    }
    refusals.push('topic write');

    // Only the consumers of a topic write its DLQ: the audit log, which may write every catalog topic to redrive a
    // dead letter, may not plant one there; orders, a consumer of payment.received, may.
    const planted = { topic: `${prefix}payment.received.dlq`, key: randomUUID(), value: '{}', headers: {} };
    const audit = new EventProducer(app('audit', 'audit-dlq-writes'));
    const orders = new EventProducer(app('orders', 'orders-dlq-writes'));
    try {
      const written = await refusal(() => audit.send([planted]));
      expect(written[0]).toMatchObject({ name: 'KafkaJSProtocolError', type: 'TOPIC_AUTHORIZATION_FAILED' });
      await expect(orders.send([planted])).resolves.toBeUndefined();
    } finally {
      await audit.onApplicationShutdown();
      await orders.onApplicationShutdown();
    }
    refusals.push('DLQ write');

    // billing may not look into the orders group; its own group it may.
    const billing = new TopicAdminService(app('billing', 'billing-groups'));
    try {
      const group = await refusal(() => billing.consumerLag(`${prefix}platforma.orders`));
      // kafkajs reports the coordinator it could not find; the broker's answer is in its debug log.
      expect(group[0]).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
      expect(
        kafkaLogs.find(
          'kafkajs:Connection',
          'platforma.test.kafka-sasl.billing-groups.admin',
          'Group authorization failed',
        ),
      ).not.toEqual([]);
      const own = await billing.consumerLag(`${prefix}platforma.billing`);
      expect(own.topics.length).toBeGreaterThan(0);
    } finally {
      await billing.onModuleDestroy();
    }
    refusals.push('group read');

    // Nor read payment.received (it writes it; orders, the saga and notifications read it), even in its own group.
    const groupId = `${prefix}platforma.billing`;
    const tap = new RecordTap(app('billing', 'billing-reads'), {
      groupId,
      topics: [`${prefix}payment.received`],
      handler: () => Promise.resolve(),
    });
    try {
      await tap.start();
      const crash = await waitFor(
        () => Promise.resolve(kafkaLogs.find(`RecordTap:${groupId}`, 'stopped')[0]),
        'the billing tap to be refused',
        30_000,
      );
      expect(crash.message).toContain('Not authorized to access topics: [Topic authorization failed]');
      // Stopped for good by kafkajs, so marked for readiness (and started again later by its supervisor).
      expect(stoppedConsumers().map((c) => c.group)).toContain(groupId);
      expect(tap.counters.records).toBe(0);
    } finally {
      await tap.stop();
    }
    refusals.push('topic read');

    process.stdout.write(
      `[security] SASL_SSL broker: ${outcome.appsReady} apps with their own SCRAM users, ` +
        `${outcome.orderCompleted ? 'order completed' : 'NO order completed'}, ` +
        `${refusals.length} refusals (${refusals.join(', ')}); ${facts.join('; ')}\n`,
    );
  }, 90_000);
});
