import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import type { AdminAccountPage, AdminAccountView } from '@app/accounts';
import type { AdminOrderPage, AdminOrderView } from '@app/orders';
import { PLATFORM_TENANT_ID } from '@app/platform';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { startMonolith } from '../support/monolith.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Problem {
  type: string;
  status: number;
  code: string;
  title: string;
  errors?: { field: string; message: string }[];
}

/** The operator user of the bootstrap admin key (libs/accounts operator-bootstrap.service.ts). */
const OPERATOR_ADMIN_ID = '00000000-0000-7000-8000-000000000002';

function problem(response: Response, status: number): Problem {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.body as Problem;
}

/** Newest first by (createdAt, id), as both lists promise. */
function newestFirst<T extends { id: string; createdAt: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

describe('back office: accounts and orders across tenants (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('backoffice');
  // Sign-up addresses of this run start with it, so the email filters see this suite's accounts only.
  const mailTag = `bo${randomBytes(4).toString('hex')}`;
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let admin: string;
  let planId: string;
  let otherPlanId: string;

  const customer = async (name: string) => {
    const { accountId, apiKey } = await shop.signUp({ email: `${mailTag}-${name}@example.com`, name });
    return { accountId, apiKey, token: await shop.token(apiKey), email: `${mailTag}-${name}@example.com` };
  };

  const order = async (token: string, plan = planId): Promise<string> => {
    const placed = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(shop.orderBody(plan))
      .expect(201);
    return (placed.body as { id: string }).id;
  };

  const get = (path: string, token = admin) => shop.http.get(path).auth(token, { type: 'bearer' });

  const ordersPage = async (query: string): Promise<AdminOrderPage> =>
    (await get(`/v1/admin/orders?${query}`).expect(200)).body as AdminOrderPage;

  const accountsPage = async (query: string): Promise<AdminAccountPage> =>
    (await get(`/v1/admin/accounts?${query}`).expect(200)).body as AdminAccountPage;

  /** account.suspended / .unsuspended rows the accounts module published for the account (its outbox). */
  const published = async (type: string, accountId: string): Promise<Record<string, unknown>[]> => {
    const rows: { payload: string }[] = await db.query(
      `SELECT payload FROM accounts.outbox WHERE headers ->> 'ce_type' = $1 AND payload::jsonb ->> 'accountId' = $2`,
      [type, accountId],
    );
    return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
  };

  /** The event as the audit module logged it from Kafka, with the schema version it travelled in. */
  const logged = (type: string, accountId: string) =>
    waitFor(async () => {
      const rows: { version: number; payload: Record<string, unknown> }[] = await db.query(
        'SELECT version, payload FROM audit.event_log WHERE type = $1 AND tenant_id = $2',
        [type, accountId],
      );
      return rows.length > 0 ? rows : undefined;
    }, `${type} of ${accountId} in the audit log`);

  const suspendedInOrders = (accountId: string) =>
    waitFor(async () => {
      const rows: unknown[] = await db.query(
        `SELECT 1 FROM orders.suspended_tenant
          WHERE tenant_id = $1 AND (lifted_at IS NULL OR lifted_at < suspended_at)`,
        [accountId],
      );
      return rows.length > 0 ? true : undefined;
    }, 'account.suspended in orders');

  beforeAll(async () => {
    ({ app, db, shop, admin, planId } = await startMonolith(prefix, { KAFKA_TOPIC_PARTITIONS: '3' }));
    otherPlanId = (await shop.publishPlan(admin)).id;
    await shop.planKnown(otherPlanId);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it("pages two tenants' orders newest first; orders placed between pages neither repeat nor hide a row", async () => {
    const a = await customer('orders-a');
    const b = await customer('orders-b');
    const placed = [
      await order(a.token),
      await order(b.token),
      await order(a.token, otherPlanId),
      await order(b.token),
      await order(a.token),
    ];

    const seen: AdminOrderView[] = [];
    const arrivedMeanwhile: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: AdminOrderPage = await ordersPage(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
      // A customer orders while the operator pages: newer than every page, it belongs to none of them.
      arrivedMeanwhile.push(await order(pages % 2 === 0 ? a.token : b.token));
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(3);
    expect(seen.map((o) => o.id)).toEqual(newestFirst(seen).map((o) => o.id));
    expect(new Set(seen.map((o) => o.id)).size).toBe(seen.length);
    expect(seen.map((o) => o.id).sort()).toEqual([...placed].sort());
    expect(seen.map((o) => o.tenantId).sort()).toEqual(
      [a.accountId, a.accountId, a.accountId, b.accountId, b.accountId].sort(),
    );
    const first = seen.find((o) => o.planId === otherPlanId);
    expect(first).toMatchObject({
      tenantId: a.accountId,
      planId: otherPlanId,
      priceMinor: 1299,
      setupFeeMinor: 0,
      currency: 'EUR',
      billingCycle: 'monthly',
      region: 'eu-central-1',
    });
    expect(['pending', 'awaiting_payment']).toContain(first?.status);
    expect(Date.parse(first?.createdAt ?? '')).not.toBeNaN();
    expect(Date.parse(first?.updatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(first?.createdAt ?? ''));

    // A fresh first page starts with what arrived meanwhile.
    const fresh = await ordersPage('limit=200');
    expect(fresh.nextCursor).toBeNull();
    expect(fresh.items.map((o) => o.id)).toEqual(newestFirst(fresh.items).map((o) => o.id));
    expect(
      fresh.items
        .slice(0, arrivedMeanwhile.length)
        .map((o) => o.id)
        .sort(),
    ).toEqual([...arrivedMeanwhile].sort());
    // The suite's database holds its two customers' orders and no others.
    expect(new Set(fresh.items.map((o) => o.tenantId))).toEqual(new Set([a.accountId, b.accountId]));

    // Filters: tenant, plan, status, created from/to; each combines with paging.
    const ofB = await ordersPage(`tenantId=${b.accountId}&limit=200`);
    expect(ofB.items.every((o) => o.tenantId === b.accountId)).toBe(true);
    expect(ofB.items).toHaveLength(fresh.items.filter((o) => o.tenantId === b.accountId).length);
    expect((await ordersPage(`planId=${otherPlanId}`)).items.map((o) => o.id)).toEqual([placed[2]]);
    // Status moves on its own (pending → awaiting_payment once billing invoices): filter once every unpaid order
    // has reached the status it then keeps, so the filter is read against a state that holds still.
    const byStatus = await waitFor(async () => {
      const page = await ordersPage('status=awaiting_payment&limit=200');
      return page.items.length === fresh.items.length ? page : undefined;
    }, 'every order awaiting payment');
    expect(byStatus.items.every((o) => o.status === 'awaiting_payment')).toBe(true);
    expect(byStatus.items.map((o) => o.id)).toEqual(fresh.items.map((o) => o.id));
    expect((await ordersPage('status=pending&limit=200')).items).toEqual([]);
    const middle = seen[2];
    const from = await ordersPage(`createdFrom=${encodeURIComponent(middle.createdAt)}&limit=200`);
    expect(from.items.every((o) => o.createdAt >= middle.createdAt)).toBe(true);
    expect(from.items.map((o) => o.id)).toContain(middle.id);
    const to = await ordersPage(`createdTo=${encodeURIComponent(middle.createdAt)}&limit=200`);
    expect(to.items.every((o) => o.createdAt < middle.createdAt)).toBe(true);
    expect(to.items.length + from.items.length).toBe(fresh.items.length);
    const tenantPages = [];
    let next: string | null = null;
    do {
      const page: AdminOrderPage = await ordersPage(
        `tenantId=${a.accountId}&limit=1${next ? `&cursor=${next}` : ''}`,
      );
      tenantPages.push(...page.items.map((o) => o.id));
      next = page.nextCursor;
    } while (next !== null);
    expect(tenantPages).toEqual(fresh.items.filter((o) => o.tenantId === a.accountId).map((o) => o.id));
  });

  it("pages this environment's accounts newest first, by status, email (exact or prefix) and tenant", async () => {
    const c = await customer('accounts-c');
    const d = await customer('accounts-d');

    const seen: AdminAccountView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let late: { accountId: string } | undefined;
    do {
      const page: AdminAccountPage = await accountsPage(
        `emailPrefix=${mailTag}-accounts-&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
      // An account opened while the operator pages is newer than every page: it shows on the next first page.
      late ??= await customer('accounts-late');
    } while (cursor !== null && pages < 10);
    expect(seen.map((x) => x.id)).toEqual([d.accountId, c.accountId]);
    expect(seen[0]).toEqual({
      id: d.accountId,
      tenantId: d.accountId,
      kind: 'customer',
      name: 'accounts-d',
      email: d.email,
      country: 'DE',
      currency: 'EUR',
      status: 'active',
      suspension: null,
      createdAt: expect.any(String) as string,
      updatedAt: expect.any(String) as string,
    });
    expect((await accountsPage(`emailPrefix=${mailTag}-accounts-`)).items.map((x) => x.id)).toEqual([
      late.accountId,
      d.accountId,
      c.accountId,
    ]);

    // All of this run's accounts and the operator's own: the suite's database holds no others.
    const all = await accountsPage(`emailPrefix=${mailTag.toUpperCase()}&limit=200`);
    expect(all.items.map((x) => x.id)).toEqual(newestFirst(all.items).map((x) => x.id));
    expect(all.items.every((x) => x.email.startsWith(mailTag))).toBe(true);
    const everything = await accountsPage('limit=200');
    expect(everything.items.map((x) => x.id)).toContain(PLATFORM_TENANT_ID);
    expect(
      everything.items.filter((x) => x.id !== PLATFORM_TENANT_ID).every((x) => x.email.startsWith(mailTag)),
    ).toBe(true);

    expect(
      (await accountsPage(`email=${encodeURIComponent(c.email.toUpperCase())}`)).items.map((x) => x.id),
    ).toEqual([c.accountId]);
    // LIKE's wildcards are taken literally.
    expect((await accountsPage(`emailPrefix=${mailTag}_accounts`)).items).toEqual([]);
    expect((await accountsPage(`emailPrefix=%25`)).items).toEqual([]);
    expect((await accountsPage(`tenantId=${d.accountId}`)).items.map((x) => x.id)).toEqual([d.accountId]);
    expect((await accountsPage(`status=suspended&emailPrefix=${mailTag}-accounts-`)).items).toEqual([]);

    const one = await get(`/v1/admin/accounts/${c.accountId}`).expect(200);
    expect(one.body).toMatchObject({ id: c.accountId, email: c.email, status: 'active' });
    expect(problem(await get(`/v1/admin/accounts/${randomUUID()}`), 404).code).toBe('account-not-found');
    // The operator's own account is one of them (suspending it is refused, below).
    expect((await get(`/v1/admin/accounts/${PLATFORM_TENANT_ID}`).expect(200)).body).toMatchObject({
      id: PLATFORM_TENANT_ID,
      status: 'active',
    });
  });

  it('refuses a customer (403) and a bad cursor or filter (400 problem+json)', async () => {
    const e = await customer('refused-e');
    for (const path of ['/v1/admin/accounts', '/v1/admin/orders', `/v1/admin/accounts/${e.accountId}`]) {
      problem(await get(path, e.token), 403);
    }
    problem(
      await shop.http
        .post(`/v1/admin/accounts/${e.accountId}/suspend`)
        .auth(e.token, { type: 'bearer' })
        .send({ reason: 'abuse' }),
      403,
    );

    const page = await ordersPage('limit=1');
    const cursor = page.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const bad = [
      '/v1/admin/orders?cursor=not-a-cursor',
      `/v1/admin/orders?cursor=${page.items[0]?.id ?? ''}`,
      `/v1/admin/orders?cursor=${cursor.slice(0, -2)}`,
      '/v1/admin/orders?limit=201',
      '/v1/admin/orders?limit=0',
      '/v1/admin/orders?status=shipped',
      '/v1/admin/orders?tenantId=42',
      '/v1/admin/orders?createdFrom=yesterday',
      '/v1/admin/orders?surprise=1',
      '/v1/admin/accounts?cursor=%00',
      '/v1/admin/accounts?status=closed',
      '/v1/admin/accounts?email=not-an-address',
      '/v1/admin/accounts?emailPrefix=',
      '/v1/admin/accounts?limit=abc',
      '/v1/admin/accounts/not-a-uuid',
    ];
    for (const path of bad) {
      const refused = await get(path);
      expect([path, refused.status]).toEqual([path, 400]);
      problem(refused, 400);
    }
    const reversed = await get(
      '/v1/admin/orders?createdFrom=2026-12-02T00:00:00Z&createdTo=2026-12-01T00:00:00Z',
    );
    expect(problem(reversed, 400).code).toBe('invalid-time-range');
  });

  it('suspends with who and why (account.suspended v2), orders react, and a second suspension or lift is a 409', async () => {
    const f = await customer('suspend-f');
    const orderBefore = await order(f.token);
    const suspended = await shop.http
      .post(`/v1/admin/accounts/${f.accountId}/suspend`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: 'abuse', note: 'Spam from web-01.' })
      .expect(200);
    const view = suspended.body as AdminAccountView;
    expect(view).toMatchObject({
      id: f.accountId,
      status: 'suspended',
      suspension: { reason: 'abuse', note: 'Spam from web-01.', by: OPERATOR_ADMIN_ID },
    });
    expect(Date.parse(view.suspension?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await get(`/v1/admin/accounts/${f.accountId}`).expect(200)).body).toEqual(view);
    expect(
      (await accountsPage(`status=suspended&emailPrefix=${mailTag}-suspend-`)).items.map((x) => x.id),
    ).toEqual([f.accountId]);

    const event = {
      accountId: f.accountId,
      reason: 'abuse',
      note: 'Spam from web-01.',
      suspendedBy: OPERATOR_ADMIN_ID,
    };
    expect(await published('account.suspended', f.accountId)).toEqual([event]);
    expect(await logged('account.suspended', f.accountId)).toEqual([{ version: 2, payload: event }]);

    // Orders learn it from the event and refuse the account's new orders, as before; the order placed before stays.
    await suspendedInOrders(f.accountId);
    expect(problem(await shop.http.post('/v1/auth/token').send({ apiKey: f.apiKey }), 403).code).toBe(
      'account-suspended',
    );
    const refused = await shop.http
      .post('/v1/orders')
      .auth(f.token, { type: 'bearer' })
      .send(shop.orderBody(planId));
    expect(problem(refused, 403).code).toBe('account-suspended');
    expect((await ordersPage(`tenantId=${f.accountId}`)).items.map((o) => o.id)).toEqual([orderBefore]);

    const again = await shop.http
      .post(`/v1/admin/accounts/${f.accountId}/suspend`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: 'fraud' });
    expect(problem(again, 409).code).toBe('account-already-suspended');
    expect(await published('account.suspended', f.accountId)).toHaveLength(1);

    // A lift says why, too.
    problem(
      await shop.http
        .post(`/v1/admin/accounts/${f.accountId}/unsuspend`)
        .auth(admin, { type: 'bearer' })
        .send({}),
      400,
    );
    problem(
      await shop.http
        .post(`/v1/admin/accounts/${f.accountId}/suspend`)
        .auth(admin, { type: 'bearer' })
        .send({ note: 'no reason given' }),
      400,
    );
    const lifted = await shop.http
      .post(`/v1/admin/accounts/${f.accountId}/unsuspend`)
      .auth(admin, { type: 'bearer' })
      .send({ note: 'The customer removed the spammer.' })
      .expect(200);
    expect(lifted.body).toMatchObject({ id: f.accountId, status: 'active', suspension: null });
    expect(await published('account.unsuspended', f.accountId)).toEqual([
      { accountId: f.accountId, unsuspendedBy: OPERATOR_ADMIN_ID, note: 'The customer removed the spammer.' },
    ]);
    const liftAgain = await shop.http
      .post(`/v1/admin/accounts/${f.accountId}/unsuspend`)
      .auth(admin, { type: 'bearer' })
      .send({ note: 'twice' });
    expect(problem(liftAgain, 409).code).toBe('account-not-suspended');
    expect(
      problem(
        await shop.http
          .post(`/v1/admin/accounts/${randomUUID()}/suspend`)
          .auth(admin, { type: 'bearer' })
          .send({ reason: 'abuse' }),
        404,
      ).code,
    ).toBe('account-not-found');
    expect(
      problem(
        await shop.http
          .post(`/v1/admin/accounts/${PLATFORM_TENANT_ID}/suspend`)
          .auth(admin, { type: 'bearer' })
          .send({ reason: 'abuse' }),
        409,
      ).code,
    ).toBe('operator-account');

    // The operators' trail (audit's, from the events): the suspension and the lift, with who and why.
    const trail = await waitFor(async () => {
      const page = (await get('/v1/admin/audit/actions?limit=200').expect(200)).body as {
        items: {
          action: string;
          actor: { userId: string; role: string };
          reason: string | null;
          detail: string | null;
        }[];
      };
      const mine = page.items.filter((a) => a.detail === `account ${f.accountId}`).reverse();
      return mine.length === 2 ? mine : undefined;
    }, `the operators' trail of account ${f.accountId}`);
    expect(trail.map((a) => [a.action, a.actor.userId, a.actor.role, a.reason])).toEqual([
      ['account.suspend', OPERATOR_ADMIN_ID, 'admin', 'abuse: Spam from web-01.'],
      ['account.unsuspend', OPERATOR_ADMIN_ID, 'admin', 'The customer removed the spammer.'],
    ]);
  });

  it('two suspensions at once: exactly one succeeds, the other is a 409, and one event is published', async () => {
    for (let round = 0; round < 3; round++) {
      const g = await customer(`race-${round}`);
      const suspend = (reason: string) =>
        shop.http
          .post(`/v1/admin/accounts/${g.accountId}/suspend`)
          .auth(admin, { type: 'bearer' })
          .send({ reason, note: `round ${round}` });
      const [one, two] = await Promise.all([suspend('abuse'), suspend('fraud')]);
      expect([one.status, two.status].sort()).toEqual([200, 409]);
      const loser = one.status === 409 ? one : two;
      const winner = one.status === 200 ? one : two;
      expect(problem(loser, 409).code).toBe('account-already-suspended');
      const events = await published('account.suspended', g.accountId);
      expect(events).toHaveLength(1);
      // The account and its one event tell the same suspension: the winner's.
      const reason = (winner.body as AdminAccountView).suspension?.reason;
      expect(events[0]).toMatchObject({ reason, suspendedBy: OPERATOR_ADMIN_ID });
      expect(
        ((await get(`/v1/admin/accounts/${g.accountId}`).expect(200)).body as AdminAccountView).suspension,
      ).toMatchObject({ reason });
    }
  });

  it("a suspension and the customer's new order at once: refused, or accepted and carried on like any order placed before it", async () => {
    const outcomes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const h = await customer(`order-race-${round}`);
      const [suspension, placed] = await Promise.all([
        shop.http
          .post(`/v1/admin/accounts/${h.accountId}/suspend`)
          .auth(admin, { type: 'bearer' })
          .send({ reason: 'non_payment', note: `race ${round}` }),
        shop.http.post('/v1/orders').auth(h.token, { type: 'bearer' }).send(shop.orderBody(planId)),
      ]);
      expect(suspension.status).toBe(200);
      expect([201, 403]).toContain(placed.status);
      outcomes.push(placed.status);
      const rows: { id: string }[] = await db.query('SELECT id FROM orders."order" WHERE tenant_id = $1', [
        h.accountId,
      ]);
      const created: unknown[] = await db.query(
        `SELECT 1 FROM orders.outbox WHERE headers ->> 'ce_type' = 'order.created' AND key = $1`,
        [h.accountId],
      );
      if (placed.status === 403) {
        // Refused: nothing of it anywhere.
        expect(problem(placed, 403).code).toBe('account-suspended');
        expect(rows).toEqual([]);
        expect(created).toEqual([]);
      } else {
        // Accepted: the whole order, its event, and the rest of the flow as for an order placed before the suspension
        // (billing invoices it; the suspended customer cannot pay it).
        const orderId = (placed.body as { id: string }).id;
        expect(rows).toEqual([{ id: orderId }]);
        expect(created).toHaveLength(1);
        await waitFor(async () => {
          const page = await ordersPage(`tenantId=${h.accountId}`);
          return page.items[0]?.id === orderId && page.items[0].status === 'awaiting_payment'
            ? true
            : undefined;
        }, `order ${orderId} invoiced`);
      }
      // Either way the suspension holds afterwards: orders learnt it, and the next order is refused.
      await suspendedInOrders(h.accountId);
      const after = await shop.http
        .post('/v1/orders')
        .auth(h.token, { type: 'bearer' })
        .send(shop.orderBody(planId));
      expect(problem(after, 403).code).toBe('account-suspended');
      expect(await published('account.suspended', h.accountId)).toHaveLength(1);
    }
    process.stdout.write(`[back-office] order racing a suspension: ${outcomes.join(', ')}\n`);
  });
});
