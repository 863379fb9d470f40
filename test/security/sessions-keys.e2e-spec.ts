import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { decodeProtectedHeader, importPKCS8, SignJWT } from 'jose';
import pg from 'pg';
import request, { type Response } from 'supertest';
import { accountsDomain } from '@app/accounts';
import { signUpTokenContext } from '@app/contracts';
import { AppConfig, createPlatformApp, PLATFORM_TENANT_ID, SecretSealer } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { ROOT, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Problem {
  status: number;
  code: string;
  title: string;
}

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};
const adminKey = () => `pk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;

const problem = (response: Response, status: number): Problem => {
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/) as unknown,
  });
  return response.body as Problem;
};

/**
 * Issue #17 point 6: sessions and keys, against the monolith on a database of its own (booting with another operator
 * key revokes the operator's other keys, which must not touch the suites sharing the test database).
 */
describe('sessions and keys (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('sessions');
  const database = `platforma_sessions_${randomBytes(4).toString('hex')}`;
  const url = new URL(process.env.DATABASE_URL ?? '');
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const oldKey = pair();
  const newKey = pair();
  const firstAdminKey = adminKey();
  let app: INestApplication;
  let db: pg.Client;
  let shop: Storefront;
  let adminToken: string;
  let planId: string;

  /** Sign-up as a customer completes it: the one-time link's token is read from the mail's sealed event. */
  const signUp = async (): Promise<{ accountId: string; apiKey: string }> => {
    const email = `${randomUUID()}@example.com`;
    const asked = await shop.http
      .post('/v1/accounts')
      .send({ name: 'Example GmbH', email, country: 'DE', currency: 'EUR' });
    if (asked.status === 201) {
      return asked.body as { accountId: string; apiKey: string };
    }
    expect(asked.status).toBe(202);
    const { signUpId, sealedToken } = await waitFor(async () => {
      const { rows } = await db.query<{ payload: string }>(
        `SELECT payload FROM accounts.outbox WHERE topic = $1 AND strpos(payload, $2) > 0`,
        [`${prefix}account.verification_requested`, email],
      );
      return rows[0] ? (JSON.parse(rows[0].payload) as { signUpId: string; sealedToken: string }) : undefined;
    }, 'the sign-up link');
    const sealer = new SecretSealer(app.get(AppConfig).SECRETS_KEY);
    const token = sealer.openText(sealedToken, signUpTokenContext(signUpId));
    const verified = await shop.http.post('/v1/accounts/verify').send({ token }).expect(201);
    return verified.body as { accountId: string; apiKey: string };
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    url.pathname = `/${database}`;
    execFileSync('bash', ['scripts/typeorm.sh', 'migration:run'], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, SKIP_BUILD: '1', DATABASE_URL: url.toString() },
    });
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      DATABASE_URL: url.toString(),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
      // Mid-rotation: the new key is in every set, the accounts module still signs with the old one.
      JWT_PUBLIC_KEY: oldKey.publicPem + newKey.publicPem,
      JWT_PRIVATE_KEY: oldKey.privatePem,
      BOOTSTRAP_ADMIN_API_KEY: firstAdminKey,
    });
    await app.init();
    shop = new Storefront(app);
    adminToken = await shop.token(firstAdminKey);
    planId = (await shop.publishPlan(adminToken)).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await db?.end();
    await closeIsolatedApp(app, prefix);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('refuses a suspended account’s issued token on every write, and keeps it revoked after the lift', async () => {
    const { accountId, apiKey } = await signUp();
    const token = await shop.token(apiKey);
    const placed = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(201);
    const invoice = await shop.invoiceOf(token, (placed.body as { id: string }).id);
    const hook = { url: 'https://hooks.example.com/platforma', events: ['invoice.paid'] };
    await shop.http.post('/v1/webhooks').auth(token, { type: 'bearer' }).send(hook).expect(201);
    const writes = () => [
      shop.http
        .post(`/v1/invoices/${invoice.id}/pay`)
        .auth(token, { type: 'bearer' })
        .send({ paymentToken: 'tok_success' }),
      shop.http.post(`/v1/services/${randomUUID()}/credentials`).auth(token, { type: 'bearer' }),
      shop.http.post('/v1/webhooks').auth(token, { type: 'bearer' }).send(hook),
      shop.http.post('/v1/orders').auth(token, { type: 'bearer' }).send(shop.orderBody(planId)),
      shop.http.get('/v1/accounts/me').auth(token, { type: 'bearer' }),
    ];

    const suspendedAt = Date.now();
    await shop.http
      .post(`/v1/admin/accounts/${accountId}/suspend`)
      .auth(adminToken, { type: 'bearer' })
      .send({ reason: 'fraud' })
      .expect(200);
    await waitFor(
      async () =>
        (await shop.http.get('/v1/accounts/me').auth(token, { type: 'bearer' })).status === 403 || undefined,
      'the suspension in the access view',
    );
    const delay = Date.now() - suspendedAt;
    for (const refused of await Promise.all(writes())) {
      expect(problem(refused, 403).code).toBe('account-suspended');
    }
    const invoiceRows = await db.query<{ status: string }>(
      'SELECT status FROM billing.invoice WHERE id = $1',
      [invoice.id],
    );
    expect(invoiceRows.rows[0]?.status).not.toBe('paid');

    const lifted = await shop.http
      .post(`/v1/admin/accounts/${accountId}/unsuspend`)
      .auth(adminToken, { type: 'bearer' })
      .send({ note: 'identity confirmed' })
      .expect(200);
    expect((lifted.body as { status: string }).status).toBe('active');
    const revoked = await waitFor(async () => {
      const r = await shop.http.get('/v1/accounts/me').auth(token, { type: 'bearer' });
      return r.status === 401 ? r : undefined;
    }, 'the lift in the access view');
    expect(problem(revoked, 401).title).toBe('token revoked');
    for (const refused of await Promise.all(writes())) {
      expect(problem(refused, 401).title).toBe('token revoked');
    }

    // A token exchanged after the lift writes again: it pays, and orders has learnt of the lift too.
    const fresh = await shop.token(apiKey);
    await shop.http
      .post(`/v1/invoices/${invoice.id}/pay`)
      .auth(fresh, { type: 'bearer' })
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    await waitFor(async () => {
      const r = await shop.http
        .post('/v1/orders')
        .auth(fresh, { type: 'bearer' })
        .send(shop.orderBody(planId));
      return r.status === 201 || undefined;
    }, 'an order after the lift');

    // The lift is an event of the account, with the operator who did it, in the audit log.
    const logged = await waitFor(async () => {
      const { rows } = await db.query<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM audit.event_log WHERE type = 'account.unsuspended' AND tenant_id = $1`,
        [accountId],
      );
      return rows[0];
    }, 'account.unsuspended in the audit log');
    expect(logged.payload).toEqual({
      accountId,
      unsuspendedBy: '00000000-0000-7000-8000-000000000002',
      note: 'identity confirmed',
    });
    process.stdout.write(`[sessions] suspension reached the guard ${delay} ms after the admin's 200\n`);
  });

  it('will not suspend the operator account (problem+json), whose admins keep working', async () => {
    const refused = await shop.http
      .post(`/v1/admin/accounts/${PLATFORM_TENANT_ID}/suspend`)
      .auth(adminToken, { type: 'bearer' })
      .send({ reason: 'abuse' });
    expect(problem(refused, 409).code).toBe('operator-account');
    const { rows } = await db.query<{ status: string }>('SELECT status FROM accounts.account WHERE id = $1', [
      PLATFORM_TENANT_ID,
    ]);
    expect(rows[0]?.status).toBe('active');
    await shop.http.get('/v1/admin/audit/events').auth(adminToken, { type: 'bearer' }).expect(200);
  });

  it('lists, creates and revokes a customer’s API keys; a revoked key exchanges no token', async () => {
    const { apiKey } = await signUp();
    const other = { token: await shop.token((await signUp()).apiKey) };
    const token = await shop.token(apiKey);
    const auth = { type: 'bearer' } as const;
    const first = (await shop.http.get('/v1/api-keys').auth(token, auth).expect(200)).body as {
      id: string;
      name: string;
      prefix: string;
    }[];
    expect(first).toHaveLength(1);
    expect(apiKey.startsWith(first[0]?.prefix ?? '-')).toBe(true);
    expect(JSON.stringify(first)).not.toContain(apiKey.split('_').slice(2).join('_'));

    const created = (
      await shop.http.post('/v1/api-keys').auth(token, auth).send({ name: 'ci-deploy' }).expect(201)
    ).body as { id: string; apiKey: string };
    await shop.token(created.apiKey);
    problem(await shop.http.post('/v1/api-keys').auth(token, auth).send({ name: 'two\nlines' }), 400);
    expect(((await shop.http.get('/v1/api-keys').auth(token, auth)).body as unknown[]).length).toBe(2);

    // Another tenant can neither see nor revoke it.
    expect(JSON.stringify((await shop.http.get('/v1/api-keys').auth(other.token, auth)).body)).not.toContain(
      created.id,
    );
    expect(
      problem(await shop.http.delete(`/v1/api-keys/${created.id}`).auth(other.token, auth), 404).code,
    ).toBe('api-key-not-found');
    await shop.token(created.apiKey);

    await shop.http.delete(`/v1/api-keys/${created.id}`).auth(token, auth).expect(204);
    const refused = await shop.http.post('/v1/auth/token').send({ apiKey: created.apiKey });
    expect(problem(refused, 401).code).toBe('invalid-api-key');
    const listed = (await shop.http.get('/v1/api-keys').auth(token, auth)).body as {
      id: string;
      revokedAt: string | null;
    }[];
    expect(listed.find((k) => k.id === created.id)?.revokedAt).toEqual(expect.any(String));
    expect(problem(await shop.http.delete(`/v1/api-keys/${first[0]?.id}`).auth(token, auth), 409).code).toBe(
      'last-api-key',
    );
    await shop.token(apiKey);
    // The operator's keys are rotated through BOOTSTRAP_ADMIN_API_KEY, not here.
    problem(await shop.http.get('/v1/api-keys').auth(adminToken, auth), 403);
  });

  it('verifies tokens of any kid in the set, publishes the set, and refuses a retired kid and the old admin key', async () => {
    const auth = { type: 'bearer' } as const;
    const { accountId, apiKey } = await signUp();
    const oldToken = await shop.token(apiKey);
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;
    const jwks = (server: INestApplication) =>
      request(server.getHttpServer() as Server)
        .get('/.well-known/jwks.json')
        .expect(200)
        .then((r) => (r.body as { keys: { kid: string; x: string; kty: string }[] }).keys.map((k) => k.kid));
    const published = await jwks(app);
    expect(published).toHaveLength(2);
    expect(published).toContain(kidOf(oldToken));

    // The next step of the rotation: the accounts app signs with the new key, the old one is retired, and its
    // operator key is rotated too.
    const secondAdminKey = adminKey();
    const next = await createPlatformApp(
      { name: 'accounts', domains: [accountsDomain] },
      {
        ...process.env,
        DATABASE_URL: url.toString(),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_TOPIC_PARTITIONS: '1',
        JWT_PUBLIC_KEY: newKey.publicPem,
        JWT_PRIVATE_KEY: newKey.privatePem,
        BOOTSTRAP_ADMIN_API_KEY: secondAdminKey,
      },
    );
    await next.init();
    try {
      const after = new Storefront(next);
      expect(await jwks(next)).toEqual(published.filter((kid) => kid !== kidOf(oldToken)));
      const newToken = await after.token(apiKey);
      expect(kidOf(newToken)).not.toBe(kidOf(oldToken));
      // Where the old kid is still in the set, both verify; where it is retired, only the new one does.
      await shop.http.get('/v1/accounts/me').auth(newToken, auth).expect(200);
      await shop.http.get('/v1/accounts/me').auth(oldToken, auth).expect(200);
      await after.http.get('/v1/accounts/me').auth(newToken, auth).expect(200);
      expect(problem(await after.http.get('/v1/accounts/me').auth(oldToken, auth), 401).code).toBe(
        'unauthorized',
      );
      // With two keys in the set, a token must name its key.
      const bare = await new SignJWT({ tid: accountId, role: 'customer' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(randomUUID())
        .setIssuer('platforma')
        .setAudience('platforma')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(await importPKCS8(oldKey.privatePem, 'EdDSA'));
      problem(await shop.http.get('/v1/accounts/me').auth(bare, auth), 401);

      // Rotating the operator's key revoked the previous one, on every instance (it is one table).
      problem(await after.http.post('/v1/auth/token').send({ apiKey: firstAdminKey }), 401);
      problem(await shop.http.post('/v1/auth/token').send({ apiKey: firstAdminKey }), 401);
      await after.token(secondAdminKey);
    } finally {
      await next.close();
    }
  });
});
