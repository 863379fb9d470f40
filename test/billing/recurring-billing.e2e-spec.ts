import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SubscriptionTimersService } from '@app/billing';
import { Clock, createPlatformApp, TestClock } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { outboxPayloadsOfService } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';
import { settleDueTimers } from '../support/subscription-timers.js';
import { MailCatcher } from './mail-catcher.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const SMALL = { vcpus: 2, memoryMb: 4096, diskGb: 80, monthly: 1299 };
const BIG = { vcpus: 4, memoryMb: 8192, diskGb: 160, monthly: 2599 };
const HUGE = { vcpus: 16, memoryMb: 32768, diskGb: 640, monthly: 9999 };

interface Customer {
  accountId: string;
  email: string;
  token: string;
}

interface Subscription {
  id: string;
  serviceId: string;
  planId: string;
  priceMinor: number;
  status: 'pending' | 'active' | 'suspended' | 'terminated';
  currentPeriod: { start: string; end: string };
  nextRenewalAt: string | null;
}

interface Invoice {
  id: string;
  number: string;
  kind: 'order' | 'renewal' | 'plan_change';
  period: { start: string; end: string } | null;
  status: 'open' | 'paid' | 'voided';
  subtotalMinor: number;
  taxMinor: number;
  creditAppliedMinor: number;
  totalMinor: number;
  dueAt: string;
  voidReason: string | null;
  lines?: { description: string; quantity: number; unitPriceMinor: number; amountMinor: number }[];
  payments?: { method: string; status: string; amountMinor: number }[];
}

interface PlanChange {
  direction: 'upgrade' | 'downgrade' | 'lateral';
  status: 'pending_payment' | 'applied' | 'lapsed';
  proratedMinor: number;
  creditMinor: number;
  invoiceId: string | null;
  effectiveFrom: string;
  periodEnd: string;
}

interface Active {
  orderId: string;
  serviceId: string;
  hostname: string;
  subscription: Subscription;
}

/** round_half_up(amount × (end − from) / (end − start)), the documented proration. */
const prorated = (amount: number, from: string, period: { start: string; end: string }) => {
  const left = Date.parse(period.end) - Date.parse(from);
  const length = Date.parse(period.end) - Date.parse(period.start);
  return Math.floor((2 * amount * left + length) / (2 * length));
};
const tax19 = (minor: number) => Math.floor((minor * 1900 + 5000) / 10000);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

describe('recurring billing (monolith, real Kafka, PostgreSQL and SMTP, a test clock)', () => {
  const prefix = uniquePrefix('renew');
  const mail = new MailCatcher();
  let env: NodeJS.ProcessEnv;
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let clock: TestClock;
  let timers: SubscriptionTimersService;
  const plans = { small: '', big: '', huge: '' };

  beforeAll(async () => {
    const port = await mail.start();
    env = {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      CLOCK_MODE: 'test',
      RENEWAL_LEAD_DAYS: '7',
      DUNNING_REMINDER_DAYS: '1,3,5',
      SUSPEND_AFTER_DAYS: '7',
      TERMINATE_AFTER_DAYS: '30',
    };
    app = await createPlatformApp(MONOLITH, env);
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    const movable = app.get(Clock);
    if (!(movable instanceof TestClock)) {
      throw new Error('CLOCK_MODE=test did not give the app a TestClock');
    }
    clock = movable;
    timers = app.get(SubscriptionTimersService);
    const admin = await shop.adminToken();
    for (const [name, plan] of Object.entries({ small: SMALL, big: BIG, huge: HUGE })) {
      const { monthly, ...resources } = plan;
      plans[name as keyof typeof plans] = (
        await shop.publishPlan(admin, {
          name: `VPS ${name}`,
          ...resources,
          prices: [{ billingCycle: 'monthly', amountMinor: monthly, currency: 'EUR' }],
        })
      ).id;
    }
    await waitFor(async () => {
      const rows: { n: string }[] = await db.query(
        `SELECT (SELECT count(*) FROM billing.plan_view WHERE plan_id = ANY($1::uuid[]))
              + (SELECT count(*) FROM saga.plan_view WHERE plan_id = ANY($1::uuid[]))
              + (SELECT count(*) FROM orders.plan_view WHERE plan_id = ANY($1::uuid[])) AS n`,
        [Object.values(plans)],
      );
      return Number(rows[0]?.n) === 9 ? true : undefined;
    }, 'the plans in the billing, saga and orders read models');
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await mail.stop();
  });

  /** Subscriptions the running test created. */
  let created: string[] = [];

  // Each test moves the one clock by weeks. Its subscriptions stop there, so the next test's moves do not run them
  // through renewals, reminders and terminations behind its back (correct, but dozens of emails in the way).
  afterEach(async () => {
    await db.query(
      `UPDATE billing.subscription_timer SET status = 'cancelled', outcome = 'test_over'
       WHERE subscription_id = ANY($1::uuid[]) AND status = 'pending'`,
      [created],
    );
    created = [];
  });

  // ---- storefront -------------------------------------------------------------------------------------------

  const customer = async (): Promise<Customer> => {
    const email = `renew-${randomUUID().slice(0, 8)}@example.com`;
    const { accountId, apiKey } = await shop.signUp({ email });
    return { accountId, email, token: await shop.token(apiKey) };
  };

  const get = async <T>(c: Customer, path: string): Promise<T> =>
    (await shop.http.get(path).auth(c.token, { type: 'bearer' }).expect(200)).body as T;

  const pay = (c: Customer, invoiceId: string) =>
    shop.http
      .post(`/v1/invoices/${invoiceId}/pay`)
      .auth(c.token, { type: 'bearer' })
      .send({ paymentToken: 'tok_success' });

  const changePlan = (c: Customer, serviceId: string, planId: string) =>
    shop.http
      .post(`/v1/subscriptions/${serviceId}/plan-change`)
      .auth(c.token, { type: 'bearer' })
      .send({ planId });

  const subscription = (c: Customer, serviceId: string) =>
    get<Subscription>(c, `/v1/subscriptions/${serviceId}`);

  const invoices = async (c: Customer, orderId: string, kind: Invoice['kind']): Promise<Invoice[]> =>
    (await get<{ items: Invoice[] }>(c, `/v1/invoices?orderId=${orderId}&kind=${kind}`)).items;

  const invoice = (c: Customer, id: string) => get<Invoice>(c, `/v1/invoices/${id}`);

  /** Orders a VPS, pays the order's invoice and waits for the service and its active subscription. */
  const activeService = async (c: Customer, planId = plans.small, timeoutMs = 30_000): Promise<Active> => {
    const order = (
      await shop.http
        .post('/v1/orders')
        .auth(c.token, { type: 'bearer' })
        .send(shop.orderBody(planId))
        .expect(201)
    ).body as { id: string; hostname: string };
    const first = await waitFor(
      async () => (await invoices(c, order.id, 'order'))[0],
      `the invoice of order ${order.id}`,
      timeoutMs,
    );
    await pay(c, first.id).expect(200);
    const serviceId = await waitFor(
      async () => {
        const o = await get<{ status: string; serviceId: string | null }>(c, `/v1/orders/${order.id}`);
        return o.status === 'completed' && o.serviceId ? o.serviceId : undefined;
      },
      `order ${order.id} completed`,
      timeoutMs,
    );
    const active = await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/subscriptions/${serviceId}`).auth(c.token, { type: 'bearer' });
        return r.status === 200 && (r.body as Subscription).status === 'active'
          ? (r.body as Subscription)
          : undefined;
      },
      `the subscription of service ${serviceId} active`,
      timeoutMs,
    );
    created.push(active.id);
    return { orderId: order.id, serviceId, hostname: order.hostname, subscription: active };
  };

  const service = (c: Customer, serviceId: string) =>
    get<{ state: string; planId: string; resources: { vcpus: number; memoryMb: number; diskGb: number } }>(
      c,
      `/v1/services/${serviceId}`,
    );

  const serviceReaches = (
    c: Customer,
    serviceId: string,
    probe: (s: Awaited<ReturnType<typeof service>>) => boolean,
  ) =>
    waitFor(async () => {
      const s = await service(c, serviceId);
      return probe(s) ? s : undefined;
    }, `service ${serviceId} to change`);

  // ---- time and timers --------------------------------------------------------------------------------------

  /** Fires every timer of these subscriptions due by the test clock and waits until none is pending. */
  const settle = (subscriptionIds: string[]) => settleDueTimers(timers, db, clock, subscriptionIds);

  const travel = async (to: Date, ...subscriptionIds: string[]) => {
    clock.moveTo(to);
    await settle(subscriptionIds);
  };

  const timerRows = (subscriptionId: string) =>
    db.query<{ kind: string; step: number; status: string; outcome: string | null; period_start: Date }[]>(
      `SELECT kind, step, status, outcome, period_start FROM billing.subscription_timer
       WHERE subscription_id = $1 ORDER BY due_at, kind`,
      [subscriptionId],
    );

  const commandSeq = async (subscriptionId: string): Promise<number> => {
    const rows: { command_seq: number }[] = await db.query(
      'SELECT command_seq FROM billing.subscription WHERE id = $1',
      [subscriptionId],
    );
    return rows[0]?.command_seq ?? -1;
  };

  /** Payloads one module wrote to its outbox for one event type about one service. */
  const published = (schema: string, type: string, serviceId: string) =>
    outboxPayloadsOfService(db, schema, prefix + type, serviceId);

  const mailsTo = (c: Customer, subject: string | RegExp) =>
    mail.subjectsTo(c.email).filter((s) => (typeof subject === 'string' ? s === subject : subject.test(s)));

  const mailArrives = (c: Customer, subject: string | RegExp, count = 1) =>
    waitFor(
      () => Promise.resolve(mailsTo(c, subject).length >= count ? true : undefined),
      `${count} mail(s) "${String(subject)}" to ${c.email}`,
      // Emails go out one at a time; other tests' may be queued before these.
      60_000,
    );

  /** Moves to RENEWAL_LEAD_DAYS before the period ends (plus a minute) and returns the renewal invoice. */
  const renewalOf = async (c: Customer, s: Active): Promise<Invoice> => {
    const end = s.subscription.currentPeriod.end;
    await travel(shift(end, -7 * DAY + MINUTE), s.subscription.id);
    const [renewal] = await invoices(c, s.orderId, 'renewal');
    if (!renewal) {
      throw new Error(`no renewal invoice for ${s.serviceId}`);
    }
    return renewal;
  };

  // ---- renewal ----------------------------------------------------------------------------------------------

  it('invoices the renewal RENEWAL_LEAD_DAYS before the period ends, once, however often its timer fires', async () => {
    const c = await customer();
    const s = await activeService(c);
    const { start, end } = s.subscription.currentPeriod;
    expect((Date.parse(end) - Date.parse(start)) / DAY).toBeGreaterThanOrEqual(28);
    expect((Date.parse(end) - Date.parse(start)) / DAY).toBeLessThanOrEqual(31);
    expect(s.subscription.nextRenewalAt).toBe(shift(end, -7 * DAY).toISOString());

    await travel(shift(end, -7 * DAY - 60 * MINUTE), s.subscription.id);
    expect(await invoices(c, s.orderId, 'renewal')).toEqual([]);

    clock.moveTo(shift(end, -7 * DAY + MINUTE));
    // The scheduler "fires twice": many firings at once here, beside the app's own poller...
    await Promise.all(Array.from({ length: 8 }, () => timers.fireDue()));
    await settle([s.subscription.id]);
    // ...and the fired timer armed again, as a scheduler that lost its bookkeeping would fire it.
    await db.query(
      `UPDATE billing.subscription_timer SET status = 'pending' WHERE subscription_id = $1 AND kind = 'renewal'`,
      [s.subscription.id],
    );
    await settle([s.subscription.id]);

    const renewals = await invoices(c, s.orderId, 'renewal');
    expect(renewals).toHaveLength(1);
    const renewal = await invoice(c, renewals[0]?.id ?? '');
    expect(renewal).toMatchObject({
      kind: 'renewal',
      status: 'open',
      period: { start: end },
      dueAt: end,
      subtotalMinor: 1299,
      taxMinor: 247,
      creditAppliedMinor: 0,
      totalMinor: 1546,
    });
    expect(renewal.lines).toEqual([
      {
        description: expect.stringMatching(new RegExp(`^VPS ${s.hostname} \\(monthly, `)) as string,
        quantity: 1,
        unitPriceMinor: 1299,
        amountMinor: 1299,
      },
    ]);
    const keyed: { n: string }[] = await db.query(
      'SELECT count(*) AS n FROM billing.invoice WHERE idempotency_key = $1',
      [`renewal:${s.serviceId}:${end}`],
    );
    expect(Number(keyed[0]?.n)).toBe(1);
    expect((await timerRows(s.subscription.id)).filter((t) => t.kind === 'renewal')).toEqual([
      expect.objectContaining({ status: 'fired', outcome: 'already_invoiced' }),
    ]);
    await mailArrives(c, `Invoice ${renewal.number} for ${s.hostname}`);

    await pay(c, renewal.id).expect(200);
    const renewed = await subscription(c, s.serviceId);
    expect(renewed).toMatchObject({
      status: 'active',
      currentPeriod: { start: end, end: renewal.period?.end },
    });
    const after = await timerRows(s.subscription.id);
    expect(after.filter((t) => t.kind !== 'renewal').map((t) => [t.kind, t.step, t.status])).toEqual([
      ['reminder', 1, 'cancelled'],
      ['reminder', 3, 'cancelled'],
      ['reminder', 5, 'cancelled'],
      ['suspension', 0, 'cancelled'],
      ['termination', 0, 'cancelled'],
    ]);
    expect(after.filter((t) => t.kind === 'renewal' && t.status === 'pending')).toHaveLength(1);
    expect(mailsTo(c, /^Invoice INV-/)).toHaveLength(1);
  });

  // ---- dunning ----------------------------------------------------------------------------------------------

  it('sends each reminder once on its day, suspends after the grace period, and payment unsuspends', async () => {
    const c = await customer();
    const s = await activeService(c);
    const renewal = await renewalOf(c, s);
    const due = renewal.dueAt;
    const reminder = `Reminder: invoice ${renewal.number} is overdue`;

    await travel(shift(due, -MINUTE), s.subscription.id);
    for (const [day, count] of [
      [1, 1],
      [3, 2],
      [5, 3],
    ] as const) {
      await travel(shift(due, day * DAY - MINUTE), s.subscription.id);
      await pause(300);
      expect(mailsTo(c, reminder)).toHaveLength(count - 1);
      await travel(shift(due, day * DAY + MINUTE), s.subscription.id);
      await mailArrives(c, reminder, count);
      // Firing again finds nothing due: the reminder is not sent a second time.
      await Promise.all([timers.fireDue(), timers.fireDue(), timers.fireDue()]);
    }
    expect((await subscription(c, s.serviceId)).status).toBe('active');
    expect((await service(c, s.serviceId)).state).toBe('active');

    await travel(shift(due, 7 * DAY + MINUTE), s.subscription.id);
    expect((await subscription(c, s.serviceId)).status).toBe('suspended');
    await serviceReaches(c, s.serviceId, (x) => x.state === 'suspended');
    expect(await published('billing', 'service.suspend_requested', s.serviceId)).toEqual([
      expect.objectContaining({ reason: 'non_payment', sequence: 1, subscriptionId: s.subscription.id }),
    ]);
    await waitFor(
      async () =>
        (await published('provisioning', 'service.suspended', s.serviceId)).length === 1 ? true : undefined,
      'service.suspended',
    );
    await mailArrives(c, `Your server ${s.hostname} is suspended`);

    await pay(c, renewal.id).expect(200);
    expect((await subscription(c, s.serviceId)).status).toBe('active');
    await serviceReaches(c, s.serviceId, (x) => x.state === 'active');
    expect(await published('provisioning', 'service.unsuspended', s.serviceId)).toEqual([
      { serviceId: s.serviceId, accountId: c.accountId },
    ]);
    await mailArrives(c, `Your server ${s.hostname} is running again`);
    const period = (await timerRows(s.subscription.id)).filter(
      (t) => t.period_start.toISOString() === due && t.kind !== 'renewal',
    );
    expect(period.map((t) => [t.kind, t.step, t.status, t.outcome])).toEqual([
      ['reminder', 1, 'fired', 'reminded'],
      ['reminder', 3, 'fired', 'reminded'],
      ['reminder', 5, 'fired', 'reminded'],
      ['suspension', 0, 'fired', 'suspended'],
      ['termination', 0, 'cancelled', 'paid'],
    ]);
    const rows: { template: string; n: string }[] = await db.query(
      `SELECT template, count(*) AS n FROM notifications.notification WHERE recipient = $1
       AND template IN ('payment-reminder', 'service-suspended', 'service-unsuspended') GROUP BY template
       ORDER BY template`,
      [c.email],
    );
    expect(rows.map((r) => [r.template, Number(r.n)])).toEqual([
      ['payment-reminder', 3],
      ['service-suspended', 1],
      ['service-unsuspended', 1],
    ]);
    expect(mailsTo(c, reminder)).toHaveLength(3);
  });

  it('terminates after TERMINATE_AFTER_DAYS: the invoice is voided and the machine released', async () => {
    const c = await customer();
    const s = await activeService(c);
    const renewal = await renewalOf(c, s);

    await travel(shift(renewal.dueAt, 30 * DAY + MINUTE), s.subscription.id);
    expect((await subscription(c, s.serviceId)).status).toBe('terminated');
    expect(await invoice(c, renewal.id)).toMatchObject({ status: 'voided', voidReason: 'non_payment' });
    const refused = await pay(c, renewal.id).expect(409);
    expect(refused.body).toMatchObject({ code: 'invoice-not-payable' });

    await serviceReaches(c, s.serviceId, (x) => x.state === 'released');
    await waitFor(
      async () =>
        (await published('provisioning', 'service.terminated', s.serviceId)).length > 0 ? true : undefined,
      'service.terminated',
    );
    expect(await published('provisioning', 'service.terminated', s.serviceId)).toEqual([
      { serviceId: s.serviceId, accountId: c.accountId, orderId: s.orderId, reason: 'non_payment' },
    ]);
    expect(await published('provisioning', 'provisioning.released', s.serviceId)).toEqual([
      { serviceId: s.serviceId, orderId: s.orderId, reason: 'termination' },
    ]);
    await mailArrives(c, `Your server ${s.hostname} was terminated`);
    expect((await timerRows(s.subscription.id)).filter((t) => t.status === 'pending')).toEqual([]);
  });

  it('payment racing the suspension timer always ends active and paid, never suspended and paid', async () => {
    const runs = 12;
    const c = await customer();
    const services = await Promise.all(Array.from({ length: runs }, () => activeService(c)));
    const ids = services.map((s) => s.subscription.id);
    const ends = services.map((s) => Date.parse(s.subscription.currentPeriod.end));
    await travel(new Date(Math.max(...ends) - 7 * DAY + MINUTE), ...ids);
    const renewals = await Promise.all(
      services.map(async (s) => {
        const [r] = await invoices(c, s.orderId, 'renewal');
        if (!r) {
          throw new Error(`no renewal of ${s.serviceId}`);
        }
        return r;
      }),
    );
    // Reminders out of the way: the suspension timer is the next one due for every service.
    await travel(new Date(Math.min(...ends) + 6 * DAY), ...ids);

    // One race per service, in the order their suspension timers fall due. The payment and the moment the clock
    // reaches the suspension time (the timer then fired here and by the app's poller) are offset by -30 to +25 ms,
    // different each run, so the timer lands before, during or after the payment's transaction.
    const runsByDue = services
      .map((s, i) => ({ renewal: renewals[i], end: ends[i] ?? 0 }))
      .sort((a, b) => a.end - b.end);
    for (const [i, { renewal, end }] of runsByDue.entries()) {
      const offset = i * 5 - 30 + Math.floor(Math.random() * 3);
      const paying = async () => {
        await pause(Math.max(0, -offset));
        await pay(c, renewal?.id ?? '').expect(200);
      };
      const firing = async () => {
        await pause(Math.max(0, offset));
        clock.moveTo(new Date(end + 7 * DAY + 1));
        await Promise.all([timers.fireDue(), timers.fireDue()]);
      };
      await Promise.all([paying(), firing()]);
    }
    await settle(ids);

    for (const s of services) {
      const sub = await subscription(c, s.serviceId);
      expect(sub.status).toBe('active');
      const [r] = await invoices(c, s.orderId, 'renewal');
      expect(r?.status).toBe('paid');
      const seq = await commandSeq(s.subscription.id);
      const suspension = (await timerRows(s.subscription.id)).find((t) => t.kind === 'suspension');
      // Either the payment came first (no command at all) or the suspension did (suspend, then unsuspend).
      if (suspension?.outcome === 'suspended') {
        expect(seq).toBe(2);
      } else {
        expect(suspension).toMatchObject({ status: 'cancelled', outcome: 'paid' });
        expect(seq).toBe(0);
      }
      // Provisioning applied the last command, whatever order the two arrived in.
      await waitFor(async () => {
        const rows: { state_seq: number }[] = await db.query(
          'SELECT state_seq FROM provisioning.service_command WHERE service_id = $1',
          [s.serviceId],
        );
        return (rows[0]?.state_seq ?? 0) === seq ? true : undefined;
      }, `provisioning to apply command ${seq} of ${s.serviceId}`);
      expect((await service(c, s.serviceId)).state).toBe('active');
    }
  });

  // ---- plan changes and credit ------------------------------------------------------------------------------

  it('upgrade: invoices the prorated difference and resizes once it is paid', async () => {
    const c = await customer();
    const s = await activeService(c, plans.small);
    const period = s.subscription.currentPeriod;
    clock.moveTo(shift(period.start, 10 * DAY));

    const response = await changePlan(c, s.serviceId, plans.big).expect(201);
    const change = response.body as PlanChange;
    const expected = prorated(BIG.monthly - SMALL.monthly, change.effectiveFrom, period);
    expect(change).toMatchObject({
      direction: 'upgrade',
      status: 'pending_payment',
      proratedMinor: expected,
      creditMinor: 0,
      periodEnd: period.end,
    });
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(BIG.monthly - SMALL.monthly);
    const upgrade = await invoice(c, change.invoiceId ?? '');
    expect(upgrade).toMatchObject({
      kind: 'plan_change',
      status: 'open',
      subtotalMinor: expected,
      taxMinor: tax19(expected),
      totalMinor: expected + tax19(expected),
      period: { start: change.effectiveFrom, end: period.end },
    });
    expect(upgrade.lines?.[0]?.description).toMatch(/^Upgrade .* to VPS big \(.*, prorated\)$/);
    expect((await changePlan(c, s.serviceId, plans.huge).expect(409)).body).toMatchObject({
      code: 'plan-change-pending',
    });
    // Not resized before the money is in.
    expect(await published('billing', 'service.resize_requested', s.serviceId)).toEqual([]);
    expect((await service(c, s.serviceId)).resources.vcpus).toBe(SMALL.vcpus);

    await pay(c, upgrade.id).expect(200);
    expect(await subscription(c, s.serviceId)).toMatchObject({ planId: plans.big, priceMinor: BIG.monthly });
    const resized = await serviceReaches(c, s.serviceId, (x) => x.resources.vcpus === BIG.vcpus);
    expect(resized).toMatchObject({
      planId: plans.big,
      resources: { vcpus: BIG.vcpus, memoryMb: BIG.memoryMb, diskGb: BIG.diskGb },
    });
    await waitFor(
      async () =>
        (await published('provisioning', 'service.resized', s.serviceId)).length === 1 ? true : undefined,
      'service.resized',
    );

    const renewal = await renewalOf(c, s);
    expect(renewal).toMatchObject({
      subtotalMinor: BIG.monthly,
      totalMinor: BIG.monthly + tax19(BIG.monthly),
    });
  });

  it('downgrade: credits the prorated difference with its tax, resizes now, and the next renewal uses the credit', async () => {
    const c = await customer();
    const s = await activeService(c, plans.big);
    const period = s.subscription.currentPeriod;
    clock.moveTo(shift(period.start, 10 * DAY));

    const change = (await changePlan(c, s.serviceId, plans.small).expect(201)).body as PlanChange;
    const net = prorated(BIG.monthly - SMALL.monthly, change.effectiveFrom, period);
    const credit = net + tax19(net);
    expect(change).toMatchObject({
      direction: 'downgrade',
      status: 'applied',
      proratedMinor: net,
      creditMinor: credit,
    });
    expect(change.invoiceId).toBeNull();
    expect(await get(c, '/v1/credit')).toEqual({ balances: [{ currency: 'EUR', balanceMinor: credit }] });
    await serviceReaches(
      c,
      s.serviceId,
      (x) => x.resources.vcpus === SMALL.vcpus && x.planId === plans.small,
    );

    const renewal = await invoice(c, (await renewalOf(c, s)).id);
    const gross = SMALL.monthly + tax19(SMALL.monthly);
    expect(credit).toBeLessThan(gross);
    expect(renewal).toMatchObject({
      status: 'open',
      subtotalMinor: SMALL.monthly,
      taxMinor: tax19(SMALL.monthly),
      creditAppliedMinor: credit,
      totalMinor: gross - credit,
    });
    expect(renewal.lines?.at(-1)).toEqual({
      description: 'Credit applied',
      quantity: 1,
      unitPriceMinor: -credit,
      amountMinor: -credit,
    });
    expect(await get(c, '/v1/credit')).toEqual({ balances: [{ currency: 'EUR', balanceMinor: 0 }] });
    const entries = await get<{ items: { amountMinor: number; reason: string; invoiceId: string | null }[] }>(
      c,
      '/v1/credit/entries',
    );
    expect(entries.items.map((e) => [e.reason, e.amountMinor, e.invoiceId])).toEqual([
      ['applied_to_invoice', -credit, renewal.id],
      ['downgrade', credit, null],
    ]);
    // The rest is paid as usual and renews the service.
    await pay(c, renewal.id).expect(200);
    expect((await subscription(c, s.serviceId)).currentPeriod.start).toBe(period.end);
  });

  it('a credit covering the whole renewal settles it at once, without dunning', async () => {
    const c = await customer();
    const s = await activeService(c, plans.huge);
    const period = s.subscription.currentPeriod;
    clock.moveTo(shift(period.start, 5 * DAY));
    const change = (await changePlan(c, s.serviceId, plans.small).expect(201)).body as PlanChange;
    const gross = SMALL.monthly + tax19(SMALL.monthly);
    expect(change.creditMinor).toBeGreaterThan(gross);

    const renewal = await invoice(c, (await renewalOf(c, s)).id);
    expect(renewal).toMatchObject({ status: 'paid', creditAppliedMinor: gross, totalMinor: 0 });
    expect(renewal.payments).toEqual([expect.objectContaining({ method: 'account_credit', amountMinor: 0 })]);
    expect((await subscription(c, s.serviceId)).currentPeriod.start).toBe(period.end);
    expect(await get(c, '/v1/credit')).toEqual({
      balances: [{ currency: 'EUR', balanceMinor: change.creditMinor - gross }],
    });
    const kinds = (await timerRows(s.subscription.id)).map((t) => t.kind);
    expect(kinds.filter((k) => k !== 'renewal')).toEqual([]);
    await mailArrives(c, `Invoice ${renewal.number} for ${s.hostname}`);
  });

  it('refuses plan changes it cannot honour', async () => {
    const c = await customer();
    const s = await activeService(c, plans.small);
    expect((await changePlan(c, s.serviceId, plans.small).expect(409)).body).toMatchObject({
      code: 'plan-unchanged',
    });
    expect((await changePlan(c, s.serviceId, randomUUID()).expect(422)).body).toMatchObject({
      code: 'plan-not-offered',
    });
    expect((await changePlan(c, randomUUID(), plans.big).expect(404)).body).toMatchObject({
      code: 'subscription-not-found',
    });
    await renewalOf(c, s);
    expect((await changePlan(c, s.serviceId, plans.big).expect(409)).body).toMatchObject({
      code: 'renewal-unpaid',
    });
    const other = await customer();
    await shop.http.get(`/v1/subscriptions/${s.serviceId}`).auth(other.token, { type: 'bearer' }).expect(404);
    const page = await get<{ items: Subscription[]; nextCursor: string | null }>(
      c,
      '/v1/subscriptions?limit=1',
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.serviceId).toBe(s.serviceId);
  });

  it('a timer that fails is tried again a minute later and holds up no other timer', async () => {
    const broken = await customer();
    const a = await activeService(broken);
    const fine = await customer();
    const b = await activeService(fine);
    // Billing forgets the first account: its renewal cannot be taxed (a stand-in for any failure while firing).
    const [account] = await db.query<Record<string, unknown>[]>(
      'SELECT account_id, email, country, currency, updated_at FROM billing.account_view WHERE account_id = $1',
      [broken.accountId],
    );
    await db.query('DELETE FROM billing.account_view WHERE account_id = $1', [broken.accountId]);

    const at = new Date(
      Math.max(Date.parse(a.subscription.currentPeriod.end), Date.parse(b.subscription.currentPeriod.end)) -
        7 * DAY +
        MINUTE,
    );
    await travel(at, b.subscription.id);
    expect(await invoices(fine, b.orderId, 'renewal')).toHaveLength(1);
    expect(await invoices(broken, a.orderId, 'renewal')).toEqual([]);
    const [failed] = (await timerRows(a.subscription.id)).filter((t) => t.kind === 'renewal');
    expect(failed).toMatchObject({ status: 'pending' });
    expect(failed?.outcome).toMatch(/^error: account .* is not known to billing yet$/);

    await db.query(
      `INSERT INTO billing.account_view (account_id, email, country, currency, updated_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [account?.account_id, account?.email, account?.country, account?.currency, account?.updated_at],
    );
    await travel(shift(at.toISOString(), 2 * MINUTE), a.subscription.id);
    expect(await invoices(broken, a.orderId, 'renewal')).toHaveLength(1);
  });

  // ---- two processes ----------------------------------------------------------------------------------------

  it('two app instances with the same prefix issue one renewal invoice and one email', async () => {
    const second = await createPlatformApp(MONOLITH, env);
    await second.init();
    try {
      const otherClock = second.get(Clock);
      const otherTimers = second.get(SubscriptionTimersService);
      if (!(otherClock instanceof TestClock)) {
        throw new Error('the second app has no TestClock');
      }
      // One time for both instances from the start: the earlier cases moved this app's clock ahead, and a
      // subscription dated by the new instance's clock would otherwise fall due at once by this one's.
      otherClock.moveTo(clock.now());
      const c = await customer();
      // The second instance makes every consumer group rebalance; the order waits for that.
      const s = await activeService(c, plans.small, 90_000);
      const at = shift(s.subscription.currentPeriod.end, -7 * DAY + MINUTE);
      clock.moveTo(at);
      otherClock.moveTo(at);
      await Promise.all(Array.from({ length: 6 }, () => [timers.fireDue(), otherTimers.fireDue()]).flat());
      await settle([s.subscription.id]);
      const renewals = await invoices(c, s.orderId, 'renewal');
      expect(renewals).toHaveLength(1);
      await mailArrives(c, /^Invoice INV-/);
      await pause(1_000);
      expect(mailsTo(c, /^Invoice INV-/)).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 240_000);
});
