import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isClean } from './reconcile.findings.js';
import { Reconciler } from './reconciler.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const AGO = `now() - interval '5 minutes'`;

// Rows planted straight into the test database under prefixes of their own: one environment with a duplicated email,
// a duplicated terminal event, an event the log never saw, a row stuck in an outbox, a stuck saga and an order that
// disagrees with its saga; another environment where everything agrees.
describe(Reconciler.name, () => {
  const run = randomBytes(4).toString('hex');
  const dirty = `t.reconcile.${run}.`;
  const clean = `t.reconcile-clean.${run}.`;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const orderIds: string[] = [];

  const outbox = async (
    schema: string,
    prefix: string,
    type: string,
    orderId: string,
    options: { published?: boolean; logged?: boolean } = {},
  ) => {
    const eventId = randomUUID();
    const topic = `${prefix}${type}`;
    await pool.query(
      `INSERT INTO "${schema}".outbox (event_id, topic, key, headers, payload, created_at, published_at)
       VALUES ($1, $2, $3, $4, $5, ${AGO}, ${options.published === false ? 'NULL' : AGO})`,
      [eventId, topic, orderId, { ce_type: type, ce_id: eventId }, JSON.stringify({ orderId })],
    );
    if (options.logged) {
      await pool.query(
        `INSERT INTO audit.event_log (topic_prefix, event_id, type, topic, partition, "offset", order_id,
                                      occurred_at, headers, payload)
         VALUES ($1, $2, $3, $4, 0, 0, $5, ${AGO}, $6, $7)`,
        [prefix, eventId, type, topic, orderId, { ce_type: type }, { orderId }],
      );
    }
  };

  const order = async (status: string) => {
    const id = randomUUID();
    orderIds.push(id);
    await pool.query(
      `INSERT INTO orders."order" (id, tenant_id, plan_id, region, image, hostname, billing_cycle, price_minor,
                                   currency, status, created_at, updated_at)
       VALUES ($1, $2, $3, 'eu-central-1', 'ubuntu-24.04', 'r.example.com', 'monthly', 500, 'EUR', $4, ${AGO}, ${AGO})`,
      [id, randomUUID(), randomUUID(), status],
    );
    return id;
  };

  const saga = async (prefix: string, orderId: string, status: string, step: string) => {
    await pool.query(
      `INSERT INTO saga.instance (id, order_id, tenant_id, correlation_id, definition, definition_version, status,
                                  step, data, topic_prefix, created_at, updated_at)
       VALUES ($1, $2, $3, 'c', 'order', 1, $4, $5, '{}', $6, ${AGO}, ${AGO})`,
      [randomUUID(), orderId, randomUUID(), status, step, prefix],
    );
  };

  const email = async (prefix: string, orderId: string, template: string) => {
    await pool.query(
      `INSERT INTO notifications.notification (id, tenant_id, account_id, topic_prefix, template, channel, recipient,
                                               locale, variables, status, correlation_id)
       VALUES ($1, $2, $2, $3, $4, 'email', 'r@example.com', 'en', $5, 'sent', 'c')`,
      [randomUUID(), randomUUID(), prefix, template, { orderId }],
    );
  };

  beforeAll(async () => {
    // dirty: A completed, but its order.completed published twice and its credentials email requested twice.
    const a = await order('completed');
    await outbox('orders', dirty, 'order.created', a, { logged: true });
    await outbox('orders', dirty, 'order.completed', a, { logged: true });
    await outbox('orders', dirty, 'order.completed', a);
    await saga(dirty, a, 'completed', 'complete');
    await email(dirty, a, 'vps-ready');
    await email(dirty, a, 'vps-ready');
    // B: its saga has waited at provision for minutes with no timer; a provisioning event never left the outbox.
    const b = await order('provisioning');
    await outbox('orders', dirty, 'order.created', b, { logged: true });
    await saga(dirty, b, 'running', 'provision');
    await outbox('saga', dirty, 'provisioning.requested', b, { published: false });
    // C: the saga completed, the order still awaits payment.
    const c = await order('awaiting_payment');
    await outbox('orders', dirty, 'order.created', c, { logged: true });
    await saga(dirty, c, 'completed', 'complete');

    // clean: D completed, once, everything logged.
    const d = await order('completed');
    await outbox('orders', clean, 'order.created', d, { logged: true });
    await outbox('orders', clean, 'order.completed', d, { logged: true });
    await saga(clean, d, 'completed', 'complete');
    await email(clean, d, 'vps-ready');
  });

  afterAll(async () => {
    // audit.event_log is append-only: its planted rows stay, under prefixes nobody else uses.
    for (const prefix of [dirty, clean]) {
      for (const schema of ['orders', 'saga']) {
        await pool.query(`DELETE FROM "${schema}".outbox WHERE starts_with(topic, $1)`, [prefix]);
      }
      await pool.query(`DELETE FROM notifications.notification WHERE topic_prefix = $1`, [prefix]);
      await pool.query(`DELETE FROM saga.instance WHERE topic_prefix = $1`, [prefix]);
    }
    await pool.query(`DELETE FROM orders."order" WHERE id = ANY($1::uuid[])`, [orderIds]);
    await pool.end();
  });

  const reconcile = (prefix: string) =>
    new Reconciler(pool).reconcile({ prefix, graceSeconds: 30, sinceHours: 1 });
  const counts = (report: Awaited<ReturnType<typeof reconcile>>) =>
    Object.fromEntries(report.findings.map((f) => [f.check, f.count]));

  it('finds the planted duplicates, losses, stuck saga and disagreement', async () => {
    const report = await reconcile(dirty);
    expect(counts(report)).toEqual({
      'outbox rows unpublished': 1,
      'published events missing from the event log': 1,
      'invoices charged twice': 0,
      'payments refunded twice': 0,
      'orders with two services': 0,
      'orders with a notification twice': 1,
      'orders with a once-only event twice': 1,
      'sagas stuck': 1,
      'orders disagreeing with their saga or events': 1,
    });
    expect(report).toMatchObject({ orders: 3, terminalOrders: 1, lost: 2, duplicated: 2, stuckSagas: 1 });
    const samples = (check: string) => report.findings.find((f) => f.check === check)?.samples ?? [];
    expect(samples('sagas stuck')).toEqual([expect.stringMatching(/ running at provision, no timer$/)]);
    expect(samples('orders with a notification twice')).toEqual([expect.stringContaining(' vps-ready (2 ')]);
    expect(samples('orders disagreeing with their saga or events')).toEqual([
      expect.stringContaining('saga completed, order awaiting_payment'),
    ]);
    expect(isClean(report)).toBe(false);
  });

  it('finds nothing where everything agrees, and leaves rows younger than the grace period alone', async () => {
    const report = await reconcile(clean);
    expect(report).toMatchObject({
      orders: 1,
      terminalOrders: 1,
      lost: 0,
      duplicated: 0,
      eventsPublished: 2,
    });
    expect(isClean(report)).toBe(true);
    const young = await new Reconciler(pool).reconcile({ prefix: dirty, graceSeconds: 3600, sinceHours: 1 });
    expect({ lost: young.lost, stuck: young.stuckSagas, disagreements: young.disagreements }).toEqual({
      lost: 0,
      stuck: 0,
      disagreements: 0,
    });
    // Duplicates are never "in flight": they are reported whatever the grace period.
    expect(young.duplicated).toBe(2);
  });

  it('runs as `npm run reconcile`: a summary, exit 1 on findings and 0 without', async () => {
    const cli = (prefix: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['dist/libs/reconcile/src/reconcile.cli.js', '--', '--prefix', prefix, '--grace-seconds', '30'],
          { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const found = await cli(dirty);
    expect(found.code).toBe(1);
    expect(found.out).toContain('lost 2, duplicated 2, stuck sagas 1, disagreeing orders 1');
    expect(found.out).toContain('FAIL sagas stuck: 1');
    const none = await cli(clean);
    expect({ code: none.code, last: none.out.trim().split('\n').at(-1) }).toEqual({
      code: 0,
      last: 'no findings',
    });
  });
});
