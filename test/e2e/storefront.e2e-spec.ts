import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Problem {
  type: string;
  status: number;
  code: string;
  title: string;
}

describe('storefront over REST (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('shop');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let admin: string;
  let planId: string;

  const planInOrders = (id: string) =>
    waitFor(async () => {
      const rows: { status: string }[] = await db.query(
        'SELECT status FROM orders.plan_view WHERE plan_id = $1',
        [id],
      );
      return rows[0]?.status;
    }, `plan ${id} in the orders read model`);

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    admin = await shop.adminToken();
    planId = (await shop.publishPlan(admin)).id;
    await planInOrders(planId);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('a plan published by an admin reaches orders only through its event', async () => {
    const published = await shop.publishPlan(admin, { regions: ['eu-west-1'] });
    expect(await planInOrders(published.id)).toBe('published');
    const inbox: { event_type: string }[] = await db.query(
      `SELECT i.event_type FROM orders.inbox i JOIN catalog.outbox o ON o.event_id = i.event_id
       WHERE o.payload::jsonb ->> 'planId' = $1`,
      [published.id],
    );
    expect(inbox.map((r) => r.event_type)).toEqual(['catalog.plan.published']);

    await shop.http
      .post(`/v1/admin/catalog/plans/${published.id}/retire`)
      .auth(admin, { type: 'bearer' })
      .send({})
      .expect(200);
    await waitFor(
      async () => ((await planInOrders(published.id)) === 'retired' ? true : undefined),
      'retired',
    );
    const { token } = await shop.customer();
    const refused = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(shop.orderBody(published.id, { region: 'eu-west-1' }))
      .expect(422);
    expect((refused.body as Problem).code).toBe('plan-not-available');
  });

  it('sign up → token → plans → order; the same Idempotency-Key returns the same order', async () => {
    const { accountId, apiKey } = await shop.signUp();
    const token = await shop.token(apiKey);
    const plans = await shop.http.get('/v1/catalog/plans').expect(200);
    expect((plans.body as { id: string }[]).map((p) => p.id)).toContain(planId);
    const me = await shop.http.get('/v1/accounts/me').auth(token, { type: 'bearer' }).expect(200);
    expect(me.body).toMatchObject({ id: accountId, status: 'active', currency: 'EUR' });

    const body = shop.orderBody(planId);
    const key = randomUUID();
    const first = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(first.headers['idempotent-replayed']).toBe('false');
    expect(first.body).toMatchObject({ status: 'pending', planId, priceMinor: 1299, currency: 'EUR' });
    expect((first.body as { steps: unknown[] }).steps).toEqual([
      expect.objectContaining({ event: 'order.created' }),
    ]);
    const retry = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send({ ...body })
      .expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    const reused = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send({ ...body, hostname: 'other.example.com' })
      .expect(409);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((reused.body as Problem).code).toBe('idempotency-key-reused');

    const orderId = (first.body as { id: string }).id;
    const rows: { n: string }[] = await db.query(
      'SELECT count(*) AS n FROM orders."order" WHERE tenant_id = $1',
      [accountId],
    );
    expect(Number(rows[0]?.n)).toBe(1);

    const shown = await shop.http.get(`/v1/orders/${orderId}`).auth(token, { type: 'bearer' }).expect(200);
    // Billing invoices the order meanwhile (invoice.generated moves it on): the first step is always the creation.
    const shownOrder = shown.body as { id: string; steps: { status: string; event: string }[] };
    expect(shownOrder.id).toBe(orderId);
    expect(shownOrder.steps[0]).toMatchObject({ status: 'pending', event: 'order.created' });
    expect(['pending', 'awaiting_payment']).toContain((shown.body as { status: string }).status);

    const outbox: { key: string }[] = await db.query(
      `SELECT key FROM orders.outbox WHERE payload::jsonb ->> 'orderId' = $1 AND headers ->> 'ce_type' = 'order.created'`,
      [orderId],
    );
    expect(outbox).toEqual([{ key: accountId }]);
  });

  it('another tenant reading, listing or cancelling the order gets 404', async () => {
    const a = await shop.customer();
    const b = await shop.customer();
    const order = await shop.http
      .post('/v1/orders')
      .auth(a.token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(201);
    const id = (order.body as { id: string }).id;
    const read = await shop.http.get(`/v1/orders/${id}`).auth(b.token, { type: 'bearer' }).expect(404);
    expect((read.body as Problem).code).toBe('order-not-found');
    await shop.http.post(`/v1/orders/${id}/cancel`).auth(b.token, { type: 'bearer' }).expect(404);
    const list = await shop.http.get('/v1/orders').auth(b.token, { type: 'bearer' }).expect(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    await shop.http.get(`/v1/orders/${id}`).auth(a.token, { type: 'bearer' }).expect(200);
  });

  it('lists orders newest first with a cursor and a status filter; cancels only where allowed', async () => {
    const { token } = await shop.customer();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await shop.http
        .post('/v1/orders')
        .auth(token, { type: 'bearer' })
        .send(shop.orderBody(planId))
        .expect(201);
      ids.push((r.body as { id: string }).id);
    }
    const page1 = await shop.http.get('/v1/orders?limit=2').auth(token, { type: 'bearer' }).expect(200);
    const first = page1.body as { items: { id: string }[]; nextCursor: string };
    expect(first.items.map((o) => o.id)).toEqual([ids[2], ids[1]]);
    const page2 = await shop.http
      .get(`/v1/orders?limit=2&cursor=${first.nextCursor}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(page2.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    const cancelled = await shop.http
      .post(`/v1/orders/${ids[1]}/cancel`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    const steps = (cancelled.body as { status: string; steps: { status: string; event: string }[] }).steps;
    expect((cancelled.body as { status: string }).status).toBe('cancelled');
    expect(steps[0]).toMatchObject({ status: 'pending', event: 'order.created' });
    expect(steps.at(-1)).toMatchObject({ status: 'cancelled', event: 'order.cancelled' });
    const again = await shop.http
      .post(`/v1/orders/${ids[1]}/cancel`)
      .auth(token, { type: 'bearer' })
      .expect(409);
    expect((again.body as Problem).code).toBe('order-not-cancellable');
    const filtered = await shop.http
      .get('/v1/orders?status=cancelled')
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect((filtered.body as { items: { id: string }[] }).items.map((o) => o.id)).toEqual([ids[1]]);
  });

  it('answers twenty malformed requests with 400 problem+json and stores nothing', async () => {
    const { token } = await shop.customer();
    const count = async () => {
      const rows: { n: string }[] = await db.query(
        `SELECT (SELECT count(*) FROM orders."order") + (SELECT count(*) FROM accounts.account)
              + (SELECT count(*) FROM orders.idempotency_key) AS n`,
      );
      return Number(rows[0]?.n);
    };
    const before = await count();
    const order = shop.orderBody(planId);
    const post = (path: string, body: unknown, auth = true) => {
      const r = shop.http.post(path).set('content-type', 'application/json');
      return (auth ? r.auth(token, { type: 'bearer' }) : r).send(
        typeof body === 'string' ? body : JSON.stringify(body),
      );
    };
    const get = (path: string) => shop.http.get(path).auth(token, { type: 'bearer' });
    const malformed = [
      post('/v1/orders', { ...order, planId: undefined }),
      post('/v1/orders', { ...order, planId: 'not-a-uuid' }),
      post('/v1/orders', { ...order, region: 'EU Central' }),
      post('/v1/orders', { ...order, hostname: 'bad_host name!' }),
      post('/v1/orders', { ...order, billingCycle: 'weekly' }),
      post('/v1/orders', { ...order, priceMinor: 1 }),
      post('/v1/orders', { ...order, currency: 'eur' }),
      post('/v1/orders', '{"planId": '),
      post('/v1/orders', [order]),
      post('/v1/orders', order).set('Idempotency-Key', 'x'.repeat(300)),
      post('/v1/accounts', { name: 'X', country: 'DE', currency: 'EUR' }, false),
      post('/v1/accounts', { name: 'X', email: 'not-an-email', country: 'DE', currency: 'EUR' }, false),
      post('/v1/accounts', { name: 'X', email: 'a@example.com', country: 'Germany', currency: 'EUR' }, false),
      post('/v1/accounts', { name: '', email: 'b@example.com', country: 'DE', currency: 'EURO' }, false),
      post(
        '/v1/accounts',
        { name: 'X', email: 'c@example.com', country: 'DE', currency: 'EUR', role: 'admin' },
        false,
      ),
      post('/v1/auth/token', { apiKey: 42 }, false),
      get('/v1/orders?limit=0'),
      get('/v1/orders?status=bogus'),
      get('/v1/orders?cursor=xyz'),
      get('/v1/orders/not-a-uuid'),
    ];
    expect(malformed).toHaveLength(20);
    for (const [index, call] of malformed.entries()) {
      const response = await call;
      expect({ index, status: response.status }).toEqual({ index, status: 400 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.body as Problem;
      expect(problem.status).toBe(400);
      expect(problem.type).toMatch(/^https:\/\//);
      expect(JSON.stringify(problem)).not.toMatch(/at .*\.(js|ts):\d+|SELECT|INSERT/);
    }
    expect(await count()).toBe(before);
  });

  it('guards admin endpoints and refuses missing, forged and expired tokens', async () => {
    const { token } = await shop.customer();
    const forbidden = await shop.http
      .post('/v1/admin/catalog/plans')
      .auth(token, { type: 'bearer' })
      .send({})
      .expect(403);
    expect((forbidden.body as Problem).code).toBe('forbidden');
    await shop.http.get('/v1/orders').expect(401);
    const [header, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    await shop.http
      .get('/v1/orders')
      .auth(`${header}.${forgedPayload}.${token.split('.')[2]}`, { type: 'bearer' })
      .expect(401);
    await shop.http
      .post('/v1/auth/token')
      .send({ apiKey: `pk_nope_${'a'.repeat(40)}` })
      .expect(401);
    const key = await importPKCS8(process.env.JWT_PRIVATE_KEY ?? '', 'EdDSA');
    const expired = await new SignJWT({ tid: claims.tid, role: 'customer' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(String(claims.sub))
      .setIssuer('platforma')
      .setAudience('platforma')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const refused = await shop.http.get('/v1/orders').auth(expired, { type: 'bearer' }).expect(401);
    expect((refused.body as Problem & { title: string }).title).toBe('token expired');
  });

  it('a suspended account can neither get a token nor order', async () => {
    const { accountId, apiKey } = await shop.signUp();
    const token = await shop.token(apiKey);
    await shop.http
      .post(`/v1/admin/accounts/${accountId}/suspend`)
      .auth(admin, { type: 'bearer' })
      .send({ reason: 'abuse' })
      .expect(200);
    const refused = await shop.http.post('/v1/auth/token').send({ apiKey }).expect(403);
    expect((refused.body as Problem).code).toBe('account-suspended');
    await waitFor(async () => {
      const rows: unknown[] = await db.query('SELECT 1 FROM orders.suspended_tenant WHERE tenant_id = $1', [
        accountId,
      ]);
      return rows.length > 0 ? true : undefined;
    }, 'account.suspended in orders');
    const order = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(403);
    expect((order.body as Problem).code).toBe('account-suspended');
  });

  it('serves OpenAPI, security headers and a body size limit', async () => {
    const docs = await shop.http.get('/docs-json').expect(200);
    const paths = Object.keys((docs.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/{id}', '/v1/accounts', '/v1/catalog/plans']),
    );
    const health = await shop.http.get('/health/live').expect(200);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    const big = await shop.http
      .post('/v1/accounts')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(200_000) }))
      .expect(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('per-tenant rate limiting', () => {
  const prefix = uniquePrefix('limit');
  let app: INestApplication;

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      RATE_LIMIT_PER_MINUTE: '8',
    });
    await app.init();
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('refuses a tenant past its limit with 429 problem+json while another tenant goes on', async () => {
    const shop = new Storefront(app);
    // Sign-up and token exchange count against the caller's address: two customers take four of its eight.
    const a = await shop.customer();
    const b = await shop.customer();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await shop.http.get('/v1/orders').auth(a.token, { type: 'bearer' })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await shop.http.get('/v1/orders').auth(a.token, { type: 'bearer' }).expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await shop.http.get('/v1/orders').auth(b.token, { type: 'bearer' }).expect(200);
    await shop.http.get('/health/ready').expect(200);
  });
});
