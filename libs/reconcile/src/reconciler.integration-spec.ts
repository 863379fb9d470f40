import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isClean } from './reconcile.findings.js';
import { Reconciler } from './reconciler.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const AGO = `now() - interval '5 minutes'`;

// Rows planted straight into the suite's database, in two sets of orders each under a topic prefix of its own: one with
// a duplicated email, a duplicated terminal event, an event the log never saw, a row stuck in an outbox, a stuck saga,
// an order that disagrees with its saga, money kept on a cancelled order (and its voided invoice), a completed order
// without money, invoices that disagree with their terminal saga, and an invoice voided twice whose payment was
// refunded twice; another where everything agrees, a completed order and a cancelled one refunded once. Some checks
// (stuck sagas) read the whole database, not one prefix's orders: the set that agrees is checked before the faulty
// one is planted.
describe(Reconciler.name, () => {
  const run = randomBytes(4).toString('hex');
  const dirty = `t.reconcile.${run}.`;
  const clean = `t.reconcile-clean.${run}.`;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

  const outbox = async (
    schema: string,
    prefix: string,
    type: string,
    orderId: string,
    options: { published?: boolean; logged?: boolean; payload?: Record<string, string | number> } = {},
  ) => {
    const eventId = randomUUID();
    const topic = `${prefix}${type}`;
    const payload = { orderId, ...options.payload };
    await pool.query(
      `INSERT INTO "${schema}".outbox (event_id, topic, key, headers, payload, created_at, published_at)
       VALUES ($1, $2, $3, $4, $5, ${AGO}, ${options.published === false ? 'NULL' : AGO})`,
      [eventId, topic, orderId, { ce_type: type, ce_id: eventId }, JSON.stringify(payload)],
    );
    if (options.logged) {
      await pool.query(
        `INSERT INTO audit.event_log (event_id, type, topic, partition, "offset", order_id, occurred_at, headers,
                                      payload)
         VALUES ($1, $2, $3, 0, 0, $4, ${AGO}, $5, $6)`,
        [eventId, type, topic, orderId, { ce_type: type }, payload],
      );
    }
  };

  /** The order's own invoice (2141 EUR) with one payment of the whole amount per status given. */
  const invoice = async (orderId: string, status: 'open' | 'paid' | 'voided', payments: string[] = []) => {
    const id = randomUUID();
    const tenantId = randomUUID();
    await pool.query(
      `INSERT INTO billing.invoice (id, tenant_id, account_id, order_id, kind, number, status, currency,
                                    subtotal_minor, tax_rate_bp, tax_minor, total_minor, due_at, issued_at, paid_at,
                                    voided_at, correlation_id, updated_at)
       VALUES ($1, $2, $3, $4, 'order', 'R-1', $5, 'EUR', 1799, 1900, 342, 2141, ${AGO}, ${AGO},
               ${status === 'open' ? 'NULL' : AGO}, ${status === 'voided' ? AGO : 'NULL'}, 'c', ${AGO})`,
      [id, tenantId, randomUUID(), orderId, status],
    );
    const paymentIds: string[] = [];
    for (const paymentStatus of payments) {
      const paymentId = randomUUID();
      paymentIds.push(paymentId);
      await pool.query(
        `INSERT INTO billing.payment (id, tenant_id, invoice_id, method, status, amount_minor, currency, created_at,
                                      updated_at)
         VALUES ($1, $2, $3, 'card', $4, 2141, 'EUR', ${AGO}, ${AGO})`,
        [paymentId, tenantId, id, paymentStatus],
      );
    }
    return { invoiceId: id, paymentIds };
  };

  /** An order the saga failed and orders cancelled, once, with its invoice voided and its capture refunded. */
  const refundedOnce = async (prefix: string) => {
    const id = await order('cancelled');
    await outbox('orders', prefix, 'order.created', id, { logged: true });
    await outbox('orders', prefix, 'order.cancelled', id, { logged: true });
    await saga(id, 'failed', 'notify_failure');
    const { invoiceId, paymentIds } = await invoice(id, 'voided', ['refunded']);
    const paymentId = paymentIds[0] ?? '';
    await outbox('billing', prefix, 'payment.refunded', id, {
      logged: true,
      payload: { invoiceId, paymentId },
    });
    await outbox('billing', prefix, 'invoice.voided', id, { logged: true, payload: { invoiceId } });
    return { id, invoiceId, paymentId };
  };

  const order = async (status: string) => {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO orders."order" (id, tenant_id, plan_id, region, image, hostname, billing_cycle, price_minor,
                                   currency, status, created_at, updated_at)
       VALUES ($1, $2, $3, 'eu-central-1', 'ubuntu-24.04', 'r.example.com', 'monthly', 500, 'EUR', $4, ${AGO}, ${AGO})`,
      [id, randomUUID(), randomUUID(), status],
    );
    return id;
  };

  const saga = async (orderId: string, status: string, step: string) => {
    await pool.query(
      `INSERT INTO saga.instance (id, order_id, tenant_id, correlation_id, definition, definition_version, status,
                                  step, data, created_at, updated_at)
       VALUES ($1, $2, $3, 'c', 'order', 1, $4, $5, '{}', ${AGO}, ${AGO})`,
      [randomUUID(), orderId, randomUUID(), status, step],
    );
  };

  const email = async (orderId: string, template: string) => {
    await pool.query(
      `INSERT INTO notifications.notification (id, tenant_id, account_id, template, channel, recipient, locale,
                                               variables, status, correlation_id)
       VALUES ($1, $2, $2, $3, 'email', 'r@example.com', 'en', $4, 'sent', 'c')`,
      [randomUUID(), randomUUID(), template, { orderId }],
    );
  };

  afterAll(async () => {
    // The planted rows go with the suite's database.
    await pool.end();
  });

  const reconcile = (prefix: string) =>
    new Reconciler(pool).reconcile({ prefix, graceSeconds: 30, sinceHours: 1 });
  const counts = (report: Awaited<ReturnType<typeof reconcile>>) =>
    Object.fromEntries(report.findings.map((f) => [f.check, f.count]));
  const cli = (prefix: string) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        // The hypervisor nodes are shared by every suite's environment: test/provisioning checks them.
        [
          'dist/libs/reconcile/src/reconcile.cli.js',
          '--',
          '--prefix',
          prefix,
          '--grace-seconds',
          '30',
          '--no-hypervisors',
        ],
        { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });

  describe('where everything agrees', () => {
    beforeAll(async () => {
      // D completed, once, everything logged; I cancelled, voided and refunded once.
      const d = await order('completed');
      await outbox('orders', clean, 'order.created', d, { logged: true });
      await outbox('orders', clean, 'order.completed', d, { logged: true });
      await saga(d, 'completed', 'complete');
      await invoice(d, 'paid', ['failed', 'captured']);
      await email(d, 'vps-ready');
      await refundedOnce(clean);
    });

    it('finds nothing', async () => {
      const report = await reconcile(clean);
      expect(report).toMatchObject({
        orders: 2,
        terminalOrders: 2,
        lost: 0,
        duplicated: 0,
        moneyMismatches: 0,
        eventsPublished: 6,
      });
      expect(isClean(report)).toBe(true);
    });

    it('runs as `npm run reconcile`: exit 0 without findings', async () => {
      const none = await cli(clean);
      expect({ code: none.code, last: none.out.trim().split('\n').at(-1) }).toEqual({
        code: 0,
        last: 'no findings',
      });
    });
  });

  describe('with faults planted', () => {
    let kept = { order: '', invoiceId: '', paymentIds: [] as string[] };
    let unpaid = { order: '', invoiceId: '' };
    let twice = { id: '', invoiceId: '', paymentId: '' };
    let leftOpen = '';

    beforeAll(async () => {
      // A completed, but its order.completed published twice and its credentials email requested twice.
      const a = await order('completed');
      await outbox('orders', dirty, 'order.created', a, { logged: true });
      await outbox('orders', dirty, 'order.completed', a, { logged: true });
      await outbox('orders', dirty, 'order.completed', a);
      await saga(a, 'completed', 'complete');
      await invoice(a, 'paid', ['captured']);
      await email(a, 'vps-ready');
      await email(a, 'vps-ready');
      // B: its saga has waited at provision for minutes with no timer; a provisioning event never left the outbox.
      const b = await order('provisioning');
      await outbox('orders', dirty, 'order.created', b, { logged: true });
      await saga(b, 'running', 'provision');
      await outbox('saga', dirty, 'provisioning.requested', b, { published: false });
      // C: the saga completed, the order still awaits payment.
      const c = await order('awaiting_payment');
      await outbox('orders', dirty, 'order.created', c, { logged: true });
      await saga(c, 'completed', 'complete');
      // E: cancelled by its failed saga, its invoice voided without refunding the capture (the money is kept).
      const e = await order('cancelled');
      await outbox('orders', dirty, 'order.created', e, { logged: true });
      await outbox('orders', dirty, 'order.cancelled', e, { logged: true });
      await saga(e, 'failed', 'notify_failure');
      kept = { order: e, ...(await invoice(e, 'voided', ['captured'])) };
      // F: completed by its saga, but its invoice is still open with a declined payment only.
      const f = await order('completed');
      await outbox('orders', dirty, 'order.created', f, { logged: true });
      await outbox('orders', dirty, 'order.completed', f, { logged: true });
      await saga(f, 'completed', 'complete');
      unpaid = { order: f, ...(await invoice(f, 'open', ['failed'])) };
      // G: failed and refunded, but invoice.voided and payment.refunded published twice under new event ids.
      twice = await refundedOnce(dirty);
      await outbox('billing', dirty, 'payment.refunded', twice.id, {
        logged: true,
        payload: { invoiceId: twice.invoiceId, paymentId: twice.paymentId },
      });
      await outbox('billing', dirty, 'invoice.voided', twice.id, {
        logged: true,
        payload: { invoiceId: twice.invoiceId },
      });
      // H: failed and cancelled, its invoice left open (nobody voided it).
      leftOpen = await order('cancelled');
      await outbox('orders', dirty, 'order.created', leftOpen, { logged: true });
      await outbox('orders', dirty, 'order.cancelled', leftOpen, { logged: true });
      await saga(leftOpen, 'failed', 'notify_failure');
      await invoice(leftOpen, 'open');
    });

    it('finds the planted duplicates, losses, money kept, stuck saga and disagreements', async () => {
      const report = await reconcile(dirty);
      expect(counts(report)).toEqual({
        'outbox rows unpublished': 1,
        'published events missing from the event log': 1,
        'invoices charged twice': 0,
        'payments refunded twice': 0,
        'orders with two services': 0,
        'orders with a notification twice': 1,
        'orders with a once-only event twice': 1,
        'invoices with invoice.voided twice': 1,
        'payments with payment.refunded twice': 1,
        'money kept on orders not completed': 1,
        'completed orders without money kept': 1,
        'invoices voided with a payment kept': 1,
        'sagas stuck': 1,
        'orders disagreeing with their saga or events': 3,
      });
      expect(report).toMatchObject({
        orders: 7,
        terminalOrders: 5,
        lost: 2,
        duplicated: 4,
        moneyMismatches: 3,
        stuckSagas: 1,
        disagreements: 3,
      });
      const samples = (check: string) => report.findings.find((f) => f.check === check)?.samples ?? [];
      expect(samples('sagas stuck')).toEqual([
        expect.stringMatching(/ running at provision, waiting for an event no path sends \(no timer\)$/),
      ]);
      expect(samples('orders with a notification twice')).toEqual([
        expect.stringContaining(' vps-ready (2 '),
      ]);
      expect(samples('invoices with invoice.voided twice')).toEqual([
        `${twice.invoiceId} invoice.voided (order ${twice.id}, 2 event ids)`,
      ]);
      expect(samples('payments with payment.refunded twice')).toEqual([
        `${twice.paymentId} payment.refunded (order ${twice.id}, 2 event ids)`,
      ]);
      expect(samples('money kept on orders not completed')).toEqual([
        `order ${kept.order} cancelled: invoice ${kept.invoiceId} keeps 2141 EUR (payment ${kept.paymentIds[0]})`,
      ]);
      expect(samples('completed orders without money kept')).toEqual([
        `order ${unpaid.order} completed: invoice ${unpaid.invoiceId} open, 2141 EUR not captured`,
      ]);
      expect(samples('invoices voided with a payment kept')).toEqual([
        `invoice ${kept.invoiceId} (order, order ${kept.order}) voided, payment ${kept.paymentIds[0]} keeps 2141 EUR`,
      ]);
      const disagreeing = samples('orders disagreeing with their saga or events');
      expect(disagreeing).toHaveLength(3);
      expect(disagreeing).toEqual(
        expect.arrayContaining([
          expect.stringContaining(': saga completed, order awaiting_payment'),
          `${unpaid.order}: saga completed, order invoice open`,
          `${leftOpen}: saga failed, order invoice open`,
        ]),
      );
      expect(isClean(report)).toBe(false);
    });

    it('leaves rows younger than the grace period alone', async () => {
      const young = await new Reconciler(pool).reconcile({
        prefix: dirty,
        graceSeconds: 3600,
        sinceHours: 1,
      });
      expect({ lost: young.lost, stuck: young.stuckSagas, disagreements: young.disagreements }).toEqual({
        lost: 0,
        stuck: 0,
        disagreements: 0,
      });
      // Duplicates, and a voided invoice keeping a capture (the void refunds in its own transaction), are never "in
      // flight": they are reported whatever the grace period.
      expect(young.duplicated).toBe(4);
      expect(counts(young)).toMatchObject({
        'money kept on orders not completed': 0,
        'completed orders without money kept': 0,
        'invoices voided with a payment kept': 1,
      });
    });

    it('runs as `npm run reconcile`: a summary, exit 1 on findings', async () => {
      const found = await cli(dirty);
      expect(found.code).toBe(1);
      expect(found.out).toContain(
        'lost 2, duplicated 4, stuck sagas 1, disagreeing orders 3, money mismatches 3',
      );
      expect(found.out).toContain('FAIL money kept on orders not completed: 1');
      expect(found.out).toContain('FAIL sagas stuck: 1');
    });
  });
});
