import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SubscriptionTimersService } from '@app/billing';
import { Clock, TestClock } from '@app/platform';
import type { AdminServiceActionResult, AdminServicePage, AdminServiceView } from '@app/provisioning';
import type { OperatorActionResult as BillingActionResult } from '../../libs/billing/src/subscriptions/service-back-office.service.js';
import type { Assignable } from '../architecture/console-views.types.js';
import { outboxPayloadsOfService } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { startMonolith } from '../support/monolith.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';
import { settleDueTimers } from '../support/subscription-timers.js';
import { MailCatcher } from './mail-catcher.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const bearer = { type: 'bearer' } as const;
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

interface Customer {
  accountId: string;
  token: string;
}

interface Delivered {
  customer: Customer;
  orderId: string;
  serviceId: string;
}

interface Problem {
  type: string;
  status: number;
  code: string;
  title: string;
}

interface Invoice {
  id: string;
  kind: 'order' | 'renewal' | 'plan_change';
  status: 'open' | 'paid' | 'voided';
  dueAt: string;
  voidReason: string | null;
}

type Action = 'suspend' | 'unsuspend' | 'terminate';

/** The 202 of an operator's action as the console reads it; billing's answer must read as it (both ways). */
type OperatorActionResult = AdminServiceActionResult;
export type ActionResultChecks = [
  Assignable<AdminServiceActionResult, BillingActionResult>,
  Assignable<BillingActionResult, AdminServiceActionResult>,
];

// The back office's services (#21.6) through the whole monolith with the simulator driver, like the recurring
// billing suite: the list across tenants (provisioning), the operator's suspend/unsuspend/terminate (billing's
// commands, carried out by provisioning as for non-payment), who/when/why in the audit log, refusals, and races.
describe('service back office (monolith, real Kafka and PostgreSQL, a test clock)', () => {
  const prefix = uniquePrefix('backoffice');
  const mail = new MailCatcher();
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let clock: TestClock;
  let timers: SubscriptionTimersService;
  let admin: string;
  let adminUserId: string;
  let planId: string;
  let a: Customer;
  let b: Customer;
  /** Delivered in this order: a1, a2 (tenant a), b1 (tenant b). */
  let a1: Delivered;
  let a2: Delivered;
  let b1: Delivered;

  beforeAll(async () => {
    const port = await mail.start();
    ({ app, db, shop, admin, adminUserId, planId } = await startMonolith(prefix, {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      CLOCK_MODE: 'test',
      RENEWAL_LEAD_DAYS: '7',
      DUNNING_REMINDER_DAYS: '1',
      SUSPEND_AFTER_DAYS: '7',
      TERMINATE_AFTER_DAYS: '30',
    }));
    const movable = app.get(Clock);
    if (!(movable instanceof TestClock)) {
      throw new Error('CLOCK_MODE=test did not give the app a TestClock');
    }
    clock = movable;
    timers = app.get(SubscriptionTimersService);
    [a, b] = await Promise.all([shop.customer(), shop.customer()]);
    a1 = await delivered(a);
    a2 = await delivered(a);
    b1 = await delivered(b);
  }, 180_000);

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await mail.stop();
  });

  // ---- helpers ----------------------------------------------------------------------------------------------

  /** A paid order of the customer, completed: its service is active and its subscription too. */
  async function delivered(customer: Customer): Promise<Delivered> {
    const orderId = await shop.paidOrder(customer.token, planId);
    const serviceId = await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/orders/${orderId}`).auth(customer.token, bearer);
        const body = r.body as { status: string; serviceId: string | null };
        return body.status === 'completed' && body.serviceId ? body.serviceId : undefined;
      },
      `order ${orderId} completed`,
      60_000,
    );
    await waitFor(
      async () => ((await subscriptionRow(serviceId))?.status === 'active' ? true : undefined),
      `the subscription of ${serviceId} active`,
    );
    return { customer, orderId, serviceId };
  }

  const act = (serviceId: string, action: Action, body: object = { reason: `${action} by the suite` }) =>
    shop.http.post(`/v1/admin/subscriptions/${serviceId}/${action}`).auth(admin, bearer).send(body);

  const accepted = async (
    serviceId: string,
    action: Action,
    reason: string,
  ): Promise<OperatorActionResult> => {
    const r = await act(serviceId, action, { reason });
    expect([r.status, r.body]).toEqual([202, expect.anything()]);
    return r.body as OperatorActionResult;
  };

  const refused = async (serviceId: string, action: Action, status: number, code?: string) => {
    const r = await act(serviceId, action);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (code) {
      expect(r.body).toMatchObject({ status, code, type: `https://platforma.dev/problems/${code}` });
    }
    return r.body as Problem;
  };

  const adminGet = async <T>(path: string, status = 200): Promise<T> => {
    const r = await shop.http.get(path).auth(admin, bearer);
    expect([path, r.status]).toEqual([path, status]);
    return r.body as T;
  };

  const serviceView = (serviceId: string) => adminGet<AdminServiceView>(`/v1/admin/services/${serviceId}`);

  const serviceReaches = (serviceId: string, status: AdminServiceView['status']) =>
    waitFor(
      async () => ((await serviceView(serviceId)).status === status ? true : undefined),
      `service ${serviceId} ${status}`,
    );

  const subscriptionRow = async (serviceId: string) =>
    (
      await db.query<{ id: string; status: string; suspend_reason: string | null; command_seq: number }[]>(
        `SELECT id, status, suspend_reason, command_seq FROM billing.subscription
         WHERE service_id = $1`,
        [serviceId],
      )
    )[0];

  /** Payloads one module wrote to its outbox for one event type about one service, oldest first. */
  const published = (schema: string, type: string, serviceId: string) =>
    outboxPayloadsOfService(db, schema, prefix + type, serviceId);

  /** The command as the audit log recorded it from the topic: who, when and why. */
  const logged = (type: string, eventId: string) =>
    waitFor(async () => {
      const rows = await db.query<
        { version: number; occurred_at: Date; tenant_id: string; payload: Record<string, unknown> }[]
      >(
        `SELECT version, occurred_at, tenant_id, payload FROM audit.event_log
         WHERE type = $1 AND event_id = $2`,
        [type, eventId],
      );
      return rows[0];
    }, `${type} ${eventId} in the audit log`);

  const answered = (type: string, serviceId: string, count = 1) =>
    waitFor(async () => {
      const rows = await published('provisioning', type, serviceId);
      return rows.length >= count ? rows : undefined;
    }, `${count} ${type} for ${serviceId}`);

  const invoices = async (d: Delivered, kind: Invoice['kind']): Promise<Invoice[]> => {
    const r = await shop.http
      .get(`/v1/invoices?orderId=${d.orderId}&kind=${kind}`)
      .auth(d.customer.token, bearer);
    return (r.body as { items: Invoice[] }).items;
  };

  const pay = (d: Delivered, invoiceId: string) =>
    shop.http
      .post(`/v1/invoices/${invoiceId}/pay`)
      .auth(d.customer.token, bearer)
      .send({ paymentToken: 'tok_success' });

  const periodEnd = async (d: Delivered): Promise<string> => {
    const r = await shop.http.get(`/v1/subscriptions/${d.serviceId}`).auth(d.customer.token, bearer);
    return (r.body as { currentPeriod: { end: string } }).currentPeriod.end;
  };

  /** Fires every due timer of these subscriptions, here and through the app's own poller. */
  const travel = async (to: Date, ...subscriptionIds: string[]) => {
    clock.moveTo(to);
    await settleDueTimers(timers, db, clock, subscriptionIds);
  };

  const timerRows = (subscriptionId: string) =>
    db.query<{ kind: string; status: string; outcome: string | null }[]>(
      `SELECT kind, status, outcome FROM billing.subscription_timer WHERE subscription_id = $1 ORDER BY due_at, kind`,
      [subscriptionId],
    );

  // ---- the list ---------------------------------------------------------------------------------------------

  it('lists the services of every tenant, newest first, in keyset pages, by status, tenant and order', async () => {
    const all = await adminGet<AdminServicePage>('/v1/admin/services');
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((s) => s.id)).toEqual([b1.serviceId, a2.serviceId, a1.serviceId]);
    expect(all.items[2]).toMatchObject({
      id: a1.serviceId,
      tenantId: a.accountId,
      accountId: a.accountId,
      orderId: a1.orderId,
      planId,
      status: 'active',
      region: 'eu-central-1',
      resources: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
      releaseReason: null,
      releasedAt: null,
    });
    for (const item of all.items) {
      expect(Object.keys(item.addresses).sort()).toEqual(['ipv4', 'ipv6']);
      expect(Date.parse(item.createdAt)).not.toBeNaN();
    }
    expect(await serviceView(a1.serviceId)).toEqual(all.items[2]);

    // Pages of two, then one, the cursor being the last id of a page; the same three, no more.
    const first = await adminGet<AdminServicePage>('/v1/admin/services?limit=2');
    expect(first.items.map((s) => s.id)).toEqual([b1.serviceId, a2.serviceId]);
    expect(first.nextCursor).toBe(a2.serviceId);
    const second = await adminGet<AdminServicePage>(`/v1/admin/services?limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.items.map((s) => s.id)).toEqual([a1.serviceId]);

    const ofA = await adminGet<AdminServicePage>(`/v1/admin/services?tenantId=${a.accountId}&limit=1`);
    expect(ofA.items.map((s) => s.id)).toEqual([a2.serviceId]);
    const restOfA = await adminGet<AdminServicePage>(
      `/v1/admin/services?tenantId=${a.accountId}&limit=1&cursor=${ofA.nextCursor}`,
    );
    expect([restOfA.items.map((s) => s.id), restOfA.nextCursor]).toEqual([[a1.serviceId], null]);
    const byOrder = await adminGet<AdminServicePage>(`/v1/admin/services?orderId=${b1.orderId}`);
    expect(byOrder.items.map((s) => s.id)).toEqual([b1.serviceId]);
    const active = await adminGet<AdminServicePage>(
      `/v1/admin/services?status=active&tenantId=${b.accountId}`,
    );
    expect(active.items.map((s) => s.id)).toEqual([b1.serviceId]);
    expect((await adminGet<AdminServicePage>('/v1/admin/services?status=suspended')).items).toEqual([]);

    for (const query of ['limit=0', 'limit=201', 'status=paused', 'tenantId=nope', 'cursor=1', 'orderId=x']) {
      const problem = await adminGet<Problem>(`/v1/admin/services?${query}`, 400);
      expect(problem.status).toBe(400);
    }
    expect((await adminGet<AdminServicePage>('/v1/admin/services?limit=200')).items).toHaveLength(3);
    expect(await adminGet<Problem>(`/v1/admin/services/${randomUUID()}`, 404)).toMatchObject({
      code: 'service-not-found',
    });
    await adminGet<Problem>('/v1/admin/services/not-a-uuid', 400);
    await shop.http.get('/v1/admin/services').auth(a.token, bearer).expect(403);
  });

  // ---- the actions ------------------------------------------------------------------------------------------

  it('suspends, unsuspends and terminates by commands that carry who and why, as provisioning does for non-payment', async () => {
    await refused(a1.serviceId, 'unsuspend', 409, 'service-not-suspended');

    const suspended = await accepted(a1.serviceId, 'suspend', 'Abuse report #4711: outbound spam');
    expect(suspended).toEqual({
      requestId: expect.any(String) as string,
      serviceId: a1.serviceId,
      subscriptionId: (await subscriptionRow(a1.serviceId))?.id,
      tenantId: a.accountId,
      action: 'suspend',
      sequence: 1,
      status: 'suspended',
    });
    expect(await subscriptionRow(a1.serviceId)).toMatchObject({
      status: 'suspended',
      suspend_reason: 'operator',
      command_seq: 1,
    });
    await serviceReaches(a1.serviceId, 'suspended');
    expect(await answered('service.suspended', a1.serviceId)).toEqual([
      { serviceId: a1.serviceId, accountId: a.accountId, reason: 'operator' },
    ]);
    // Who, when and why, in the command the audit log read from its topic.
    const command = await logged('service.suspend_requested', suspended.requestId);
    expect(command).toMatchObject({
      version: 2,
      tenant_id: a.accountId,
      payload: {
        serviceId: a1.serviceId,
        accountId: a.accountId,
        sequence: 1,
        reason: 'operator',
        requestedBy: adminUserId,
        note: 'Abuse report #4711: outbound spam',
      },
    });
    expect(command.occurred_at).toBeInstanceOf(Date);
    await refused(a1.serviceId, 'suspend', 409, 'service-already-suspended');
    // The customer's own actions are refused while it is suspended, as after a suspension for non-payment.
    const power = await shop.http
      .post(`/v1/services/${a1.serviceId}/actions`)
      .auth(a.token, bearer)
      .send({ action: 'power_on' });
    expect(power.status).toBe(409);

    const resumed = await accepted(a1.serviceId, 'unsuspend', 'The customer removed the script');
    expect(resumed).toMatchObject({ action: 'unsuspend', sequence: 2, status: 'active' });
    await serviceReaches(a1.serviceId, 'active');
    expect(await answered('service.unsuspended', a1.serviceId)).toEqual([
      { serviceId: a1.serviceId, accountId: a.accountId },
    ]);
    expect((await logged('service.unsuspend_requested', resumed.requestId)).payload).toMatchObject({
      reason: 'operator',
      requestedBy: adminUserId,
      note: 'The customer removed the script',
    });
    expect(await subscriptionRow(a1.serviceId)).toMatchObject({ status: 'active', suspend_reason: null });

    const ended = await accepted(a1.serviceId, 'terminate', 'Repeated abuse');
    expect(ended).toMatchObject({ action: 'terminate', sequence: 3, status: 'terminated' });
    await serviceReaches(a1.serviceId, 'released');
    expect(await answered('service.terminated', a1.serviceId)).toEqual([
      { serviceId: a1.serviceId, accountId: a.accountId, orderId: a1.orderId, reason: 'operator' },
    ]);
    const released = await db.query<{ payload: string }[]>(
      `SELECT payload FROM provisioning.outbox WHERE topic = $1 AND payload::jsonb ->> 'serviceId' = $2`,
      [`${prefix}provisioning.released`, a1.serviceId],
    );
    expect(released.map((r) => (JSON.parse(r.payload) as { reason: string }).reason)).toEqual([
      'termination',
    ]);
    expect(await serviceView(a1.serviceId)).toMatchObject({ releaseReason: 'termination' });
    expect((await logged('service.terminate_requested', ended.requestId)).payload).toMatchObject({
      orderId: a1.orderId,
      reason: 'operator',
      requestedBy: adminUserId,
      note: 'Repeated abuse',
    });
    // Invoicing stops: no timer left pending (the next renewal's is cancelled).
    const subscription = await subscriptionRow(a1.serviceId);
    expect(subscription).toMatchObject({ status: 'terminated', command_seq: 3 });
    const pending = (await timerRows(subscription?.id ?? '')).filter((t) => t.status === 'pending');
    expect(pending).toEqual([]);
    for (const action of ['suspend', 'unsuspend', 'terminate'] as const) {
      await refused(a1.serviceId, action, 409, 'subscription-terminated');
    }

    // The operators' trail (audit's, from the commands): the three acts in order, with who and why.
    const trail = await waitFor(async () => {
      const page = (await shop.http.get('/v1/admin/audit/actions?limit=200').auth(admin, bearer).expect(200))
        .body as {
        items: { action: string; actor: { userId: string }; reason: string | null; detail: string | null }[];
      };
      const mine = page.items.filter((x) => x.detail === `service ${a1.serviceId}`).reverse();
      return mine.length === 3 ? mine : undefined;
    }, `the operators' trail of service ${a1.serviceId}`);
    expect(trail.map((x) => [x.action, x.actor.userId, x.reason])).toEqual([
      ['service.suspend', adminUserId, 'Abuse report #4711: outbound spam'],
      ['service.unsuspend', adminUserId, 'The customer removed the script'],
      ['service.terminate', adminUserId, 'Repeated abuse'],
    ]);
  });

  it('refuses an unknown service with 404, a bad body or id with 400 and a customer with 403, all problem+json', async () => {
    await refused(randomUUID(), 'suspend', 404, 'subscription-not-found');
    for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 42 }]) {
      const r = await act(a2.serviceId, 'suspend', body);
      expect([JSON.stringify(body).slice(0, 20), r.status]).toEqual([JSON.stringify(body).slice(0, 20), 400]);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await act(a2.serviceId, 'suspend', { reason: 'x'.repeat(500) })).status).toBe(202);
    await accepted(a2.serviceId, 'unsuspend', 'back');
    const bad = await shop.http
      .post('/v1/admin/subscriptions/not-a-uuid/suspend')
      .auth(admin, bearer)
      .send({ reason: 'why' });
    expect(bad.status).toBe(400);
    const customer = await shop.http
      .post(`/v1/admin/subscriptions/${a2.serviceId}/suspend`)
      .auth(a.token, bearer)
      .send({ reason: 'mine' });
    expect(customer.status).toBe(403);
    await serviceReaches(a2.serviceId, 'active');
  });

  // ---- races ------------------------------------------------------------------------------------------------

  it('takes one of two suspends at once: one 202, one 409, one command', async () => {
    const before = (await published('billing', 'service.suspend_requested', a2.serviceId)).length;
    const answers = await Promise.all([
      act(a2.serviceId, 'suspend', { reason: 'first operator' }),
      act(a2.serviceId, 'suspend', { reason: 'second operator' }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(answers.find((r) => r.status === 409)?.body).toMatchObject({ code: 'service-already-suspended' });
    const commands = await published('billing', 'service.suspend_requested', a2.serviceId);
    expect(commands).toHaveLength(before + 1);
    expect(await subscriptionRow(a2.serviceId)).toMatchObject({
      status: 'suspended',
      suspend_reason: 'operator',
    });
    await serviceReaches(a2.serviceId, 'suspended');
  });

  it('ends a suspend and a terminate at once terminated and released, the commands numbered in decision order', async () => {
    const answers = await Promise.all([
      act(b1.serviceId, 'suspend', { reason: 'race: suspend' }),
      act(b1.serviceId, 'terminate', { reason: 'race: terminate' }),
    ]);
    const [suspend, terminate] = answers;
    expect(terminate?.status).toBe(202);
    expect([202, 409]).toContain(suspend?.status);
    if (suspend?.status === 409) {
      expect(suspend.body).toMatchObject({ code: 'subscription-terminated' });
    }
    const commands = [
      ...(await published('billing', 'service.suspend_requested', b1.serviceId)),
      ...(await published('billing', 'service.terminate_requested', b1.serviceId)),
    ];
    const sequences = commands.map((c) => c.sequence as number).sort((x, y) => x - y);
    expect(sequences).toEqual(suspend?.status === 202 ? [1, 2] : [1]);
    // The terminate was decided last whenever both were taken: its number is the highest.
    expect((terminate?.body as OperatorActionResult).sequence).toBe(sequences.at(-1));
    await serviceReaches(b1.serviceId, 'released');
    expect(await subscriptionRow(b1.serviceId)).toMatchObject({ status: 'terminated' });
    await answered('service.terminated', b1.serviceId);
    // Provisioning applied the newest command last, whatever order the two topics delivered them in.
    await waitFor(async () => {
      const rows = await db.query<{ state_seq: number }[]>(
        'SELECT state_seq FROM provisioning.service_command WHERE service_id = $1',
        [b1.serviceId],
      );
      return rows[0]?.state_seq === sequences.at(-1) ? true : undefined;
    }, 'the last command applied');
    // Nothing runs it again: a later suspend or unsuspend finds the subscription terminated.
    await refused(b1.serviceId, 'unsuspend', 409, 'subscription-terminated');
  });

  // ---- with dunning -----------------------------------------------------------------------------------------

  it("leaves dunning's suspension to a payment and an operator's to an operator; terminating voids the open renewal", async () => {
    const [c1, c2] = [await delivered(a), await delivered(b)];
    const [s1, s2] = [
      (await subscriptionRow(c1.serviceId))?.id ?? '',
      (await subscriptionRow(c2.serviceId))?.id ?? '',
    ];
    // Only these two run through the weeks below; the suite's other subscriptions stop where they are.
    await db.query(
      `UPDATE billing.subscription_timer SET status = 'cancelled', outcome = 'test_over'
       WHERE status = 'pending' AND subscription_id <> ALL($1::uuid[])`,
      [[s1, s2]],
    );
    await accepted(c2.serviceId, 'suspend', 'Locked before the renewal');
    await serviceReaches(c2.serviceId, 'suspended');

    // c2 was delivered a few seconds after c1: its dates are the later ones.
    const end = await periodEnd(c2);
    await travel(shift(end, -7 * DAY + MINUTE), s1, s2);
    const [renewal1] = await invoices(c1, 'renewal');
    const [renewal2] = await invoices(c2, 'renewal');
    expect([renewal1?.status, renewal2?.status]).toEqual(['open', 'open']);
    await travel(shift(renewal2?.dueAt ?? end, 7 * DAY + MINUTE), s1, s2);

    // c1: dunning suspended it; an operator neither lifts nor repeats that suspension; the payment lifts it.
    expect(await subscriptionRow(c1.serviceId)).toMatchObject({
      status: 'suspended',
      suspend_reason: 'non_payment',
    });
    await serviceReaches(c1.serviceId, 'suspended');
    await refused(c1.serviceId, 'unsuspend', 409, 'suspended-for-non-payment');
    await refused(c1.serviceId, 'suspend', 409, 'service-already-suspended');
    await pay(c1, renewal1?.id ?? '').expect(200);
    expect(await subscriptionRow(c1.serviceId)).toMatchObject({ status: 'active', suspend_reason: null });
    await serviceReaches(c1.serviceId, 'active');

    // c2: the operator's suspension stayed (the suspension timer found it suspended) and the renewal is overdue.
    expect((await timerRows(s2)).find((t) => t.kind === 'suspension')).toMatchObject({
      status: 'fired',
      outcome: 'skipped_suspended',
    });
    await refused(c2.serviceId, 'unsuspend', 409, 'renewal-overdue');
    // Paying does not lift an operator's suspension: no unsuspend command goes out.
    await pay(c2, renewal2?.id ?? '').expect(200);
    expect(await subscriptionRow(c2.serviceId)).toMatchObject({
      status: 'suspended',
      suspend_reason: 'operator',
    });
    expect(await published('billing', 'service.unsuspend_requested', c2.serviceId)).toEqual([]);
    expect((await serviceView(c2.serviceId)).status).toBe('suspended');
    await accepted(c2.serviceId, 'unsuspend', 'Paid and answered the abuse desk');
    await serviceReaches(c2.serviceId, 'active');

    // c1's next renewal is open when the operator terminates: it is voided, and the customer cannot pay it.
    const next = await periodEnd(c1);
    await travel(shift(next, -7 * DAY + MINUTE), s1);
    const open = (await invoices(c1, 'renewal')).find((i) => i.status === 'open');
    expect(open).toBeDefined();
    await accepted(c1.serviceId, 'terminate', 'Closing the account on request');
    const voided = await shop.http.get(`/v1/invoices/${open?.id ?? ''}`).auth(c1.customer.token, bearer);
    expect(voided.body).toMatchObject({ status: 'voided', voidReason: 'service_terminated' });
    expect((await pay(c1, open?.id ?? '').expect(409)).body).toMatchObject({ code: 'invoice-not-payable' });
    expect((await timerRows(s1)).filter((t) => t.status === 'pending')).toEqual([]);
    await serviceReaches(c1.serviceId, 'released');
  }, 120_000);
});
