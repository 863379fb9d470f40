import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { importPKCS8, SignJWT } from 'jose';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { EVENT_TYPES, eventDefinition, SOURCE_MODULES } from '@app/contracts';
import { EventConsumerServer } from '@app/messaging';
import { createPlatformApp, signWebhook, TENANT_ACCESS_EVENTS, TENANT_ACCESS_GROUP } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { ROOT, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';
import { LogCapture } from './log-capture.js';
import { fill, operationsOf, type Operation } from './openapi.js';

const RATE_LIMIT = 300;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64url')}`;
const SECRETS_KEY = randomBytes(32).toString('base64');
const KAFKA_PASSWORD = `kafka-canary-${randomBytes(12).toString('hex')}`;
const SMTP_PASSWORD = `smtp-canary-${randomBytes(12).toString('hex')}`;

/** The routes anyone may call without a token; any other route answering an anonymous caller is a finding. */
const PUBLIC_ROUTES = [
  'GET /.well-known/jwks.json',
  'GET /health/live',
  'GET /health/ready',
  'GET /v1/catalog/plans',
  'GET /v1/catalog/regions',
  'POST /v1/accounts',
  'POST /v1/accounts/verify',
  'POST /v1/auth/token',
  'POST /v1/webhooks/payment-provider',
];

interface Customer {
  accountId: string;
  apiKey: string;
  token: string;
}
interface Problem {
  status: number;
  code: string;
  title: string;
  instance?: string;
}
interface Fixture {
  a: Customer;
  b: Customer & {
    email: string;
    hostname: string;
    orderId: string;
    idempotencyKey: string;
    invoiceId: string;
    serviceId: string;
    webhookId: string;
    webhookSecret: string;
    webhookRotatedAt: string;
  };
  otherPlanId: string;
}

describe('security (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('security');
  const logs = new LogCapture();
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let adminToken: string;
  let planId: string;
  let operations: Operation[];
  let fx: Fixture;
  let password: string;

  const send = (method: Operation['method'], path: string, token?: string, body?: unknown) => {
    const r = token ? shop.http[method](path).auth(token, { type: 'bearer' }) : shop.http[method](path);
    return body === undefined ? r : r.send(body as object);
  };

  const expectProblem = (response: Response, status: number): Problem => {
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({ status });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return response.body as Problem;
  };

  beforeAll(async () => {
    logs.install();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      LOG_LEVEL: 'debug',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      // Dozens of forged tokens come from this one address; their backoff is rate-limit-proxy.e2e-spec.ts's subject.
      AUTH_FAILURE_LIMIT: '1000',
      PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SECRETS_KEY,
      KAFKA_SASL_PASSWORD: KAFKA_PASSWORD,
      SMTP_URL: `smtp://platforma:${SMTP_PASSWORD}@127.0.0.1:1`,
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
      WEBHOOK_MAX_ATTEMPTS: '1',
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    operations = await operationsOf(app);
    adminToken = await shop.adminToken();
    planId = (await shop.publishPlan(adminToken)).id;
    const otherPlanId = (
      await shop.publishPlan(adminToken, {
        prices: [{ billingCycle: 'monthly', amountMinor: 2599, currency: 'EUR' }],
      })
    ).id;
    await shop.planKnown(planId);

    // Tenant B: a webhook, a completed order (invoice, payment, service, subscription) placed with an
    // Idempotency-Key. Tenant A will try to reach all of it.
    const aSignedUp = await shop.signUp();
    const a = { ...aSignedUp, token: await shop.token(aSignedUp.apiKey) };
    const email = `${randomUUID()}@b.example.com`;
    const signedUp = await shop.signUp({ email });
    const bToken = await shop.token(signedUp.apiKey);
    const hook = await send('post', '/v1/webhooks', bToken, {
      url: 'http://127.0.0.1:9/hooks/b',
      events: ['*'],
    }).expect(201);
    const webhook = hook.body as { id: string; secret: string; secretRotatedAt: string };
    const idempotencyKey = randomUUID();
    const hostname = `b-${randomUUID().slice(0, 8)}.example.com`;
    const placed = await send('post', '/v1/orders', bToken, shop.orderBody(planId, { hostname }))
      .set('Idempotency-Key', idempotencyKey)
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    const invoice = await waitFor(async () => {
      const r = await send('get', `/v1/invoices?orderId=${orderId}`, bToken);
      return (r.body as { items?: { id: string }[] }).items?.[0];
    }, 'the invoice of B');
    await send('post', `/v1/invoices/${invoice.id}/pay`, bToken, { paymentToken: 'tok_success' }).expect(200);
    const order = await waitFor(
      async () => {
        const r = await send('get', `/v1/orders/${orderId}`, bToken);
        const body = r.body as { status: string; serviceId: string | null };
        return body.status === 'completed' && body.serviceId ? body : undefined;
      },
      'B’s order completed',
      40_000,
      250,
    );
    await waitFor(
      async () => ((await send('get', `/v1/subscriptions/${order.serviceId}`, bToken)).ok ? true : undefined),
      'B’s subscription',
      20_000,
      250,
    );
    fx = {
      a,
      b: {
        ...signedUp,
        token: bToken,
        email,
        hostname,
        orderId,
        idempotencyKey,
        invoiceId: invoice.id,
        serviceId: order.serviceId ?? '',
        webhookId: webhook.id,
        webhookSecret: webhook.secret,
        webhookRotatedAt: webhook.secretRotatedAt,
      },
      otherPlanId,
    };
  }, 120_000);

  afterAll(async () => {
    try {
      await closeIsolatedApp(app, prefix);
    } finally {
      logs.uninstall();
    }
  });

  /** What identifies B: none of it may appear in anything A gets back (but the URL A itself sent). */
  const markersOfB = () => [
    fx.b.accountId,
    fx.b.email,
    fx.b.hostname,
    fx.b.orderId,
    fx.b.invoiceId,
    fx.b.serviceId,
    fx.b.webhookId,
  ];

  const leaksIn = (response: Response): string[] => {
    const { instance: _echo, ...body } = (response.body ?? {}) as Record<string, unknown>;
    const text =
      JSON.stringify(body) + (typeof response.text === 'string' && !response.body ? response.text : '');
    return markersOfB().filter((m) => text.includes(m));
  };

  /** Tenant A's attempts on B's data, one per tenant-scoped route; each returns what leaked. */
  const ISOLATION: Record<string, () => Promise<string[]>> = {
    'GET /v1/api-keys': async () => leaksIn(await send('get', '/v1/api-keys', fx.a.token).expect(200)),
    'POST /v1/api-keys': async () =>
      leaksIn(await send('post', '/v1/api-keys', fx.a.token, { name: 'isolation' }).expect(201)),
    'DELETE /v1/api-keys/{id}': async () => {
      const r = await send('delete', `/v1/api-keys/${fx.b.apiKey.split('_')[1]}`, fx.a.token);
      expectProblem(r, 404);
      await shop.http.post('/v1/auth/token').send({ apiKey: fx.b.apiKey }).expect(200);
      return leaksIn(r);
    },
    'GET /v1/accounts/me': async () => {
      const r = await send('get', '/v1/accounts/me', fx.a.token).expect(200);
      expect((r.body as { id: string }).id).toBe(fx.a.accountId);
      return leaksIn(r);
    },
    'GET /v1/orders': async () => leaksIn(await send('get', '/v1/orders?limit=100', fx.a.token).expect(200)),
    'POST /v1/orders': async () => {
      // A body naming B's account is refused; B's Idempotency-Key gives A its own order, never B's.
      const named = await send('post', '/v1/orders', fx.a.token, {
        ...shop.orderBody(planId),
        accountId: fx.b.accountId,
      });
      expectProblem(named, 400);
      const reused = await send('post', '/v1/orders', fx.a.token, shop.orderBody(planId)).set(
        'Idempotency-Key',
        fx.b.idempotencyKey,
      );
      expect(reused.status).toBe(201);
      expect((reused.body as { id: string }).id).not.toBe(fx.b.orderId);
      return [...leaksIn(named), ...leaksIn(reused)];
    },
    'GET /v1/orders/{id}': async () => {
      const r = await send('get', `/v1/orders/${fx.b.orderId}`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/orders/{id}/events': async () => {
      const r = await send('get', `/v1/orders/${fx.b.orderId}/events`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'POST /v1/orders/{id}/cancel': async () => {
      const r = await send('post', `/v1/orders/${fx.b.orderId}/cancel`, fx.a.token);
      expectProblem(r, 404);
      const still = await send('get', `/v1/orders/${fx.b.orderId}`, fx.b.token).expect(200);
      expect((still.body as { status: string }).status).toBe('completed');
      return leaksIn(r);
    },
    'GET /v1/invoices': async () => {
      const all = await send('get', '/v1/invoices?limit=100', fx.a.token).expect(200);
      const filtered = await send('get', `/v1/invoices?orderId=${fx.b.orderId}`, fx.a.token).expect(200);
      expect((filtered.body as { items: unknown[] }).items).toEqual([]);
      return [...leaksIn(all), ...leaksIn(filtered)];
    },
    'GET /v1/invoices/{id}': async () => {
      const r = await send('get', `/v1/invoices/${fx.b.invoiceId}`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'POST /v1/invoices/{id}/pay': async () => {
      const r = await send('post', `/v1/invoices/${fx.b.invoiceId}/pay`, fx.a.token, {
        paymentToken: 'tok_success',
      });
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/credit': async () => leaksIn(await send('get', '/v1/credit', fx.a.token).expect(200)),
    'GET /v1/credit/entries': async () =>
      leaksIn(await send('get', '/v1/credit/entries?limit=100', fx.a.token).expect(200)),
    'GET /v1/subscriptions': async () =>
      leaksIn(await send('get', '/v1/subscriptions?limit=100', fx.a.token).expect(200)),
    'GET /v1/subscriptions/{serviceId}': async () => {
      const r = await send('get', `/v1/subscriptions/${fx.b.serviceId}`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'POST /v1/subscriptions/{serviceId}/plan-change': async () => {
      const r = await send('post', `/v1/subscriptions/${fx.b.serviceId}/plan-change`, fx.a.token, {
        planId: fx.otherPlanId,
      });
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/services': async () =>
      leaksIn(await send('get', '/v1/services?limit=100', fx.a.token).expect(200)),
    'GET /v1/services/{id}': async () => {
      const r = await send('get', `/v1/services/${fx.b.serviceId}`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'POST /v1/services/{id}/credentials': async () => {
      const r = await send('post', `/v1/services/${fx.b.serviceId}/credentials`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'POST /v1/services/{id}/actions': async () => {
      const r = await send('post', `/v1/services/${fx.b.serviceId}/actions`, fx.a.token, {
        action: 'power_off',
      });
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/services/{id}/actions': async () => {
      const r = await send('get', `/v1/services/${fx.b.serviceId}/actions`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/services/{id}/actions/{actionId}': async () => {
      // B's own action on its service: A cannot read it.
      const own = await send('post', `/v1/services/${fx.b.serviceId}/actions`, fx.b.token, {
        action: 'reboot',
      }).expect(202);
      const r = await send(
        'get',
        `/v1/services/${fx.b.serviceId}/actions/${(own.body as { id: string }).id}`,
        fx.a.token,
      );
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/webhooks': async () => {
      const own = await send('get', '/v1/webhooks', fx.a.token).expect(200);
      const other = await send('get', `/v1/webhooks?tenantId=${fx.b.accountId}`, fx.a.token);
      expectProblem(other, 403);
      return [...leaksIn(own), ...leaksIn(other)];
    },
    'POST /v1/webhooks': async () => {
      const r = await send('post', '/v1/webhooks', fx.a.token, {
        url: 'http://127.0.0.1:9/hooks/a',
        events: ['*'],
        tenantId: fx.b.accountId,
      });
      expectProblem(r, 400);
      return leaksIn(r);
    },
    'GET /v1/webhooks/{id}': async () => {
      const r = await send('get', `/v1/webhooks/${fx.b.webhookId}`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'DELETE /v1/webhooks/{id}': async () => {
      const r = await send('delete', `/v1/webhooks/${fx.b.webhookId}`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'POST /v1/webhooks/{id}/rotate-secret': async () => {
      const r = await send('post', `/v1/webhooks/${fx.b.webhookId}/rotate-secret`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
    'GET /v1/webhooks/{id}/deliveries': async () => {
      const r = await send('get', `/v1/webhooks/${fx.b.webhookId}/deliveries`, fx.a.token);
      expectProblem(r, 404);
      return leaksIn(r);
    },
  };

  const isAdmin = (op: Operation) => op.path.startsWith('/v1/admin/');

  it('knows every route: the public ones are exactly the expected, every other one wants a token', async () => {
    const open: string[] = [];
    for (const op of operations) {
      const r = await send(
        op.method,
        fill(op.path, () => randomUUID()),
        undefined,
        {},
      );
      // The authentication guard's 401; the payment webhook's own 401 (a missing signature) is another code.
      if (r.status !== 401 || (r.body as Problem).code !== 'unauthorized') {
        open.push(op.route);
      } else {
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
    const scoped = operations.filter((op) => !isAdmin(op) && !PUBLIC_ROUTES.includes(op.route));
    // A new tenant-scoped route fails here until it has its isolation case below.
    expect(scoped.map((op) => op.route).filter((route) => !(route in ISOLATION))).toEqual([]);
    expect(Object.keys(ISOLATION).filter((route) => !operations.some((op) => op.route === route))).toEqual(
      [],
    );
  });

  it('never shows, changes or deletes tenant B’s data for tenant A, on any tenant-scoped route', async () => {
    const scoped = operations.filter((op) => !isAdmin(op) && !PUBLIC_ROUTES.includes(op.route));
    const leaks: string[] = [];
    for (const op of scoped) {
      const found = await ISOLATION[op.route]?.();
      leaks.push(...(found ?? []).map((m) => `${op.route}: ${m}`));
    }
    expect(leaks).toEqual([]);

    // B's things are all still there, unchanged, after A's attempts.
    const hook = await send('get', `/v1/webhooks/${fx.b.webhookId}`, fx.b.token).expect(200);
    expect((hook.body as { secretRotatedAt: string }).secretRotatedAt).toBe(fx.b.webhookRotatedAt);
    const invoice = await send('get', `/v1/invoices/${fx.b.invoiceId}`, fx.b.token).expect(200);
    expect((invoice.body as { status: string; payments: unknown[] }).payments).toHaveLength(1);
    const credentials = await send('post', `/v1/services/${fx.b.serviceId}/credentials`, fx.b.token).expect(
      200,
    );
    password = (credentials.body as { password: string }).password;
    expect(password.length).toBeGreaterThanOrEqual(12);
    const subscription = await send('get', `/v1/subscriptions/${fx.b.serviceId}`, fx.b.token).expect(200);
    expect(JSON.stringify(subscription.body)).toContain(planId);
    const publicCount = operations.filter((op) => PUBLIC_ROUTES.includes(op.route)).length;
    logs.print(
      `[security] ${operations.length} endpoints: ${scoped.length} tenant-scoped × tenant isolation: ` +
        `${leaks.length} leaks; ${operations.filter(isAdmin).length} admin; ${publicCount} public\n`,
    );
  });

  it('refuses every admin route to customers (403) and to anonymous callers (401)', async () => {
    const admin = operations.filter(isAdmin);
    expect(admin.length).toBeGreaterThanOrEqual(10);
    for (const op of admin) {
      const path = fill(op.path, () => (op.path.includes('/dlq/') ? '1' : randomUUID()));
      expect(expectProblem(await send(op.method, path, fx.a.token, {}), 403).code).toBe('forbidden');
      expectProblem(await send(op.method, path, undefined, {}), 401);
    }
    logs.print(`[security] ${admin.length} admin endpoints: customer 403, anonymous 401\n`);
  });

  it('refuses bodies with prototype keys or NUL characters instead of dropping or failing on them', async () => {
    const email = `${randomUUID()}@pollution.example.com`;
    const body = { name: 'Example GmbH', email, country: 'DE', currency: 'EUR' };
    const sent = [
      `{"name":"Example GmbH","email":"${email}","country":"DE","currency":"EUR","__proto__":{"admin":true}}`,
      `{"name":"Example GmbH","email":"${email}","country":"DE","currency":"EUR","constructor":{"prototype":{}}}`,
      `{"name":"Example GmbH","email":"${email}","country":"DE","currency":"EUR","toString":"x"}`,
      JSON.stringify({ ...body, name: 'Example\u0000GmbH' }),
    ];
    for (const raw of sent) {
      const r = await shop.http.post('/v1/accounts').set('Content-Type', 'application/json').send(raw);
      expect({ raw, status: expectProblem(r, 400).status }).toEqual({ raw, status: 400 });
    }
    const stored: unknown[] = await db.query('SELECT 1 FROM accounts.account WHERE email = $1', [email]);
    expect(stored).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    // A NUL in a path parameter that reaches a text column: not found, not a database error.
    expectProblem(await send('get', '/v1/admin/audit/events/a%00b', adminToken), 404);
  });

  it('refuses expired, forged and tampered tokens on customer and admin routes', async () => {
    const [header, payload, signature] = fx.a.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const realKey = await importPKCS8(process.env.JWT_PRIVATE_KEY ?? '', 'EdDSA');
    const { privateKey: otherKey, publicKey } = generateKeyPairSync('ed25519');
    const now = Math.floor(Date.now() / 1000);
    const sign = (
      body: Record<string, unknown>,
      key: Parameters<SignJWT['sign']>[0] = realKey,
      options: { iss?: string; aud?: string; exp?: number } = {},
    ) =>
      new SignJWT(body)
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(String(claims.sub))
        .setIssuer(options.iss ?? 'platforma')
        .setAudience(options.aud ?? 'platforma')
        .setIssuedAt(now - 60)
        .setExpirationTime(options.exp ?? now + 600)
        .sign(key);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const hs256 = (secret: string, body: Record<string, unknown>) => {
      const head = b64({ alg: 'HS256', typ: 'JWT' });
      const content = b64({ ...body, exp: now + 600 });
      const mac = createHmac('sha256', secret).update(`${head}.${content}`).digest('base64url');
      return `${head}.${content}.${mac}`;
    };
    const adminClaims = { tid: claims.tid, role: 'admin' };
    const forged: Record<string, string> = {
      expired: await sign({ tid: claims.tid, role: 'customer' }, realKey, { exp: now - 1 }),
      'expired admin': await sign(adminClaims, realKey, { exp: now - 1 }),
      'signed with another key': await sign(adminClaims, otherKey),
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'admin' })}.`,
      'HS256 keyed with the public key': hs256(process.env.JWT_PUBLIC_KEY ?? '', {
        ...claims,
        role: 'admin',
      }),
      'HS256 keyed with another public key': hs256(
        publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        { ...claims, role: 'admin' },
      ),
      'tenant swapped, signature kept': `${header}.${b64({ ...claims, tid: fx.b.accountId })}.${signature}`,
      'signature stripped': `${header}.${payload}.`,
      'wrong issuer': await sign({ tid: claims.tid, role: 'customer' }, realKey, { iss: 'evil' }),
      'wrong audience': await sign({ tid: claims.tid, role: 'customer' }, realKey, { aud: 'other-service' }),
      'unknown role': await sign({ tid: claims.tid, role: 'root' }, realKey),
      'no tenant': await sign({ role: 'customer' }, realKey),
      garbage: 'not-a-jwt',
    };
    const targets: [Operation['method'], string][] = [
      ['get', `/v1/orders/${fx.b.orderId}`],
      ['get', '/v1/accounts/me'],
      ['get', '/v1/admin/audit/events'],
      ['post', `/v1/admin/accounts/${fx.b.accountId}/suspend`],
    ];
    let refused = 0;
    for (const [name, token] of Object.entries(forged)) {
      for (const [method, path] of targets) {
        const r = await send(method, path, token, { reason: 'abuse' });
        expect({ name, path, status: r.status }).toEqual({ name, path, status: 401 });
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(leaksIn(r)).toEqual([]);
        refused++;
      }
    }
    // Other ways to present a token: only `Authorization: Bearer` counts.
    await shop.http.get(`/v1/accounts/me?access_token=${fx.a.token}`).expect(401);
    await shop.http.get('/v1/accounts/me').set('Authorization', `Basic ${fx.a.token}`).expect(401);
    await shop.http.get('/v1/accounts/me').set('Cookie', `token=${fx.a.token}`).expect(401);
    // B was never suspended by any of these.
    await send('get', '/v1/accounts/me', fx.b.token).expect(200);
    logs.print(
      `[security] ${Object.keys(forged).length} expired/forged token kinds × ${targets.length} routes: ` +
        `${refused} refused with 401\n`,
    );
  });

  it('refuses forged and replayed payment webhooks beyond what the billing suite covers, storing nothing', async () => {
    const c = await shop.customer();
    const placed = await send('post', '/v1/orders', c.token, shop.orderBody(planId)).expect(201);
    const orderId = (placed.body as { id: string }).id;
    const invoice = await waitFor(async () => {
      const r = await send('get', `/v1/invoices?orderId=${orderId}`, c.token);
      return (r.body as { items?: { id: string; totalMinor: number; currency: string }[] }).items?.[0];
    }, 'the invoice of C');
    const event = {
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      data: {
        invoiceId: invoice.id,
        amountMinor: invoice.totalMinor,
        currency: invoice.currency,
        reference: `bt_${randomUUID()}`,
      },
    };
    const raw = JSON.stringify(event);
    const post = (body: string, signature: string) =>
      shop.http
        .post('/v1/webhooks/payment-provider')
        .set('Content-Type', 'application/json')
        .set('Platforma-Signature', signature)
        .send(body);
    const now = Date.now() / 1000;
    const valid = signWebhook(WEBHOOK_SECRET, raw, now);
    const [t, v1] = valid.split(',');
    const forgeries: Record<string, [string, string, string]> = {
      'timestamp in the future': [raw, signWebhook(WEBHOOK_SECRET, raw, now + 3_600), 'signature-expired'],
      'timestamp refreshed by appending t=': [raw, `${valid},t=${Math.floor(now) + 5}`, 'invalid-signature'],
      'body re-serialized': [JSON.stringify(event, null, 2), valid, 'invalid-signature'],
      'body with a trailing space': [`${raw} `, valid, 'invalid-signature'],
      'upper-case hex': [raw, `${t},v1=${v1?.slice(3).toUpperCase()}`, 'invalid-signature'],
      'another scheme only': [raw, `${t},v0=${v1?.slice(3)}`, 'invalid-signature'],
      'signature of the timestamp only': [
        raw,
        `${t},v1=${createHmac('sha256', WEBHOOK_SECRET)
          .update(`${t?.slice(2)}.`)
          .digest('hex')}`,
        'invalid-signature',
      ],
      'secret as the signature': [
        raw,
        `${t},v1=${Buffer.from(WEBHOOK_SECRET).toString('hex')}`,
        'invalid-signature',
      ],
      'empty header': [raw, '', 'invalid-signature'],
    };
    for (const [name, [body, signature, code]] of Object.entries(forgeries)) {
      const r = await post(body, signature);
      expect({ name, status: r.status, code: (r.body as Problem).code }).toEqual({ name, status: 401, code });
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const stored = async () => {
      const rows: { n: number }[] = await db.query(
        'SELECT count(*)::int AS n FROM billing.webhook_event WHERE invoice_id = $1',
        [invoice.id],
      );
      return rows[0]?.n;
    };
    expect(await stored()).toBe(0);
    expect(
      ((await send('get', `/v1/invoices/${invoice.id}`, c.token)).body as { status: string }).status,
    ).toBe('open');
    await post(raw, valid).expect(200);
    // The very request again (a captured one), and the same event freshly signed: both refused as replays.
    expect(((await post(raw, valid)).body as Problem).code).toBe('webhook-replayed');
    expect(((await post(raw, signWebhook(WEBHOOK_SECRET, raw, now + 1))).body as Problem).code).toBe(
      'webhook-replayed',
    );
    expect(await stored()).toBe(1);
    logs.print(
      `[security] payment webhook: ${Object.keys(forgeries).length} forgeries + 2 replays refused\n`,
    );
  });

  it('holds the rate limit per tenant: past it nothing is stored, a new token does not help, others go on', async () => {
    const signedUp = await shop.signUp();
    const r = { ...signedUp, token: await shop.token(signedUp.apiKey) };
    const s = await shop.customer();
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) {
      statuses.push((await send('get', '/v1/accounts/me', r.token)).status);
    }
    expect(statuses.filter((x) => x !== 200)).toEqual([]);
    const limited = await send('post', '/v1/orders', r.token, shop.orderBody(planId));
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const orders: unknown[] = await db.query('SELECT 1 FROM orders."order" WHERE tenant_id = $1', [
      r.accountId,
    ]);
    expect(orders).toEqual([]);
    const fresh = await shop.token(r.apiKey);
    expectProblem(await send('get', '/v1/accounts/me', fresh), 429);
    await send('get', '/v1/accounts/me', s.token).expect(200);
    logs.print(
      `[security] rate limit ${RATE_LIMIT}/min per tenant: request ${RATE_LIMIT + 1} refused with 429\n`,
    );
  });

  it('keeps no secret in the logs, the outbox or the audit log of a whole order', async () => {
    const config = {
      privateKeyBody:
        (process.env.JWT_PRIVATE_KEY ?? '').split('\n').filter((l) => !l.startsWith('-----'))[0] ?? '',
    };
    const secrets: Record<string, string> = {
      'VPS password': password,
      'A api key': fx.a.apiKey,
      'B api key': fx.b.apiKey,
      'B api key secret': fx.b.apiKey.split('_').slice(2).join('_'),
      'A token': fx.a.token,
      'B token': fx.b.token,
      'admin token': adminToken,
      'admin api key': process.env.BOOTSTRAP_ADMIN_API_KEY ?? '',
      'B webhook secret': fx.b.webhookSecret,
      'payment webhook secret': WEBHOOK_SECRET,
      SECRETS_KEY: SECRETS_KEY,
      'SECRETS_KEY bytes': Buffer.from(SECRETS_KEY, 'base64').toString('hex'),
      'JWT private key': config.privateKeyBody,
      'Kafka SASL password': KAFKA_PASSWORD,
      'SMTP password': SMTP_PASSWORD,
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, long: value.length >= 12 }).toEqual({ name, long: true });
    }
    // The capture did see the app's work: request lines, consumers, the relay.
    const lines = logs.lines().filter((l) => l.startsWith('{'));
    expect(lines.some((l) => l.includes('POST /v1/orders 201'))).toBe(true);
    expect(lines.some((l) => l.includes('"level":"debug"') || l.includes('"level":"info"'))).toBe(true);

    const outbox = (
      await Promise.all(
        SOURCE_MODULES.map((schema) =>
          db.query<{ topic: string; payload: string; headers: string }[]>(
            `SELECT topic, payload, headers::text AS headers FROM "${schema}".outbox WHERE starts_with(topic, $1)`,
            [prefix],
          ),
        ),
      )
    ).flat();
    const audit: { type: string; text: string }[] = await db.query(
      `SELECT type, concat_ws(' ', payload::text, headers::text, raw_value, record_key, dlq_error) AS text
         FROM audit.event_log`,
    );
    const actions: { text: string }[] = await db.query('SELECT t::text AS text FROM audit.admin_actions t');
    expect(outbox.length).toBeGreaterThan(20);
    expect(audit.length).toBeGreaterThan(20);

    const places: [string, string][] = [
      ...lines.map((l, i): [string, string] => [`log line ${i}`, l]),
      ...outbox.map((o): [string, string] => [`outbox ${o.topic}`, `${o.payload} ${o.headers}`]),
      ...audit.map((a): [string, string] => [`audit.event_log ${a.type}`, a.text]),
      ...actions.map((a, i): [string, string] => [`audit.admin_actions ${i}`, a.text]),
    ];
    // Controls: the scan does see what these places hold (B's tenant in the log context, B's order in events).
    const seen = (marker: string, kind: string) =>
      places.some(([where, text]) => where.startsWith(kind) && text.includes(marker));
    expect([seen(fx.b.accountId, 'log'), seen(fx.b.orderId, 'outbox'), seen(fx.b.orderId, 'audit')]).toEqual([
      true,
      true,
      true,
    ]);
    const found = places.flatMap(([where, text]) =>
      Object.entries(secrets)
        .filter(([, secret]) => text.includes(secret))
        .map(([name]) => `${name} in ${where}`),
    );
    expect(found).toEqual([]);
    logs.print(
      `[security] secret scan: ${Object.keys(secrets).length} secrets × ${lines.length} log lines, ` +
        `${outbox.length} outbox rows, ${audit.length} audit records, ${actions.length} admin actions: ` +
        `${found.length} found\n`,
    );
  });

  it('grants each app’s Kafka user exactly its topics and groups in deploy/kafka-security/acls.txt', () => {
    const consumed = new Map<string, string[]>();
    for (const server of app
      .getMicroservices()
      .map((m) => (m as unknown as { serverInstance?: unknown }).serverInstance)
      .filter((x): x is EventConsumerServer => x instanceof EventConsumerServer)) {
      consumed.set(server.groupId.slice(prefix.length).replace(/^platforma\./, ''), server.subscribedTypes());
    }
    const expected: string[] = [];
    const grant = (app: string, operation: string, resource: string, pattern: string, name: string) =>
      expected.push([`platforma-${app}`, operation, resource, pattern, name].join(' '));
    for (const module of SOURCE_MODULES) {
      const reads = consumed.get(module) ?? [];
      const writes = EVENT_TYPES.filter((type) => eventDefinition(type).source === module);
      // Boot checks that every catalog topic exists (an operator creates them: the apps may not).
      grant(module, 'Describe', 'topic', 'literal', '*');
      // ... and their replication (min.insync.replicas is a topic config).
      grant(module, 'DescribeConfigs', 'topic', 'literal', '*');
      if (reads.length > 0) {
        grant(module, 'Read', 'group', 'literal', `platforma.${module}`);
      }
      for (const type of reads) {
        grant(module, 'Read', 'topic', 'literal', type);
        grant(module, 'Write', 'topic', 'literal', `${type}.dlq`);
      }
      for (const type of writes) {
        grant(module, 'Write', 'topic', 'literal', type);
      }
      if (reads.length + writes.length > 0) {
        grant(module, 'IdempotentWrite', 'cluster', 'literal', 'kafka-cluster');
      }
    }
    // Every instance of every app follows the suspensions for its auth guard, in a group of its own.
    for (const module of SOURCE_MODULES) {
      grant(module, 'Read', 'group', 'prefixed', `${TENANT_ACCESS_GROUP}.`);
      for (const type of TENANT_ACCESS_EVENTS) {
        grant(module, 'Read', 'topic', 'literal', type);
      }
    }
    // The audit log taps every topic and its DLQ, redrives a dead letter onto its topic, reports every group's lag.
    // It writes no DLQ but the ones it consumes: a DLQ is written only by the consumers of its topic.
    grant('audit', 'Read', 'topic', 'literal', '*');
    for (const type of EVENT_TYPES) {
      grant('audit', 'Write', 'topic', 'literal', type);
    }
    grant('audit', 'Read', 'group', 'literal', 'platforma.audit.log');
    grant('audit', 'Read', 'group', 'literal', 'platforma.audit.log.dlq');
    grant('audit', 'Describe', 'group', 'prefixed', 'platforma.');
    const written = readFileSync(join(ROOT, 'deploy/kafka-security/acls.txt'), 'utf8')
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim().split(/\s+/).join(' '))
      .filter((line) => line !== '');
    const want = [...new Set(expected)].sort();
    expect({
      missing: want.filter((l) => !written.includes(l)),
      extra: written.filter((l) => !want.includes(l)),
    }).toEqual({ missing: [], extra: [] });
    logs.print(
      `[security] Kafka ACLs: ${want.length} grants for ${SOURCE_MODULES.length} app users match the code\n`,
    );
  });

  // Last: it spends the suite's client address's budget for anonymous calls.
  it('holds the rate limit per client address before authentication; X-Forwarded-For does not reset it', async () => {
    let status = 200;
    let calls = 0;
    while (status !== 429 && calls <= RATE_LIMIT + 1) {
      status = (await shop.http.get('/v1/catalog/regions')).status;
      calls++;
    }
    expect(status).toBe(429);
    expect(calls).toBeLessThanOrEqual(RATE_LIMIT + 1);
    expectProblem(await shop.http.get('/v1/catalog/regions').set('X-Forwarded-For', '203.0.113.7'), 429);
    // API keys cannot be guessed at full speed: the token exchange is limited too.
    expectProblem(await shop.http.post('/v1/auth/token').send({ apiKey: fx.a.apiKey }), 429);
    expectProblem(await shop.http.post('/v1/accounts').send({ name: 'x' }), 429);
    await shop.http.get('/health/live').expect(200);
    logs.print(`[security] rate limit per client address: refused after ${calls - 1} anonymous calls\n`);
  });
});
