import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { spawnNode, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

const METRICS_TOKEN = randomBytes(32).toString('hex');
const STOREFRONT_URL = 'https://shop.example.net/my';

/**
 * Issue #17 point 7: what the public surface gives away. The app connects to PostgreSQL as a role of its own, so the
 * suite can take the database away from it (and only from it) to see what the readiness probe says.
 */
describe('small leaks (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('leaks');
  const role = `platforma_leaks_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  let app: INestApplication;
  let shop: Storefront;

  const setLogin = async (login: boolean) => {
    await admin.query(`ALTER ROLE ${role} ${login ? 'LOGIN' : 'NOLOGIN'}`);
    if (!login) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    }
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.username = role;
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      DATABASE_URL: url.toString(),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      DOCS_ENABLED: 'false',
      METRICS_TOKEN,
      STOREFRONT_URL,
    });
    await app.init();
    shop = new Storefront(app);
  });

  afterAll(async () => {
    await setLogin(true).catch(() => undefined);
    await closeIsolatedApp(app, prefix);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('mails a link to the storefront’s credentials page, not to the POST-only API route', async () => {
    const { accountId, token } = await shop.customer();
    const planId = (await shop.publishPlan(await shop.adminToken())).id;
    await shop.planKnown(planId);
    await shop.paidOrder(token, planId);
    const link = await waitFor(async () => {
      const { rows } = await admin.query<{ variables: { credentialsUrl: string } }>(
        `SELECT variables FROM notifications.notification WHERE account_id = $1 AND template = 'vps-ready'`,
        [accountId],
      );
      return rows[0]?.variables.credentialsUrl;
    }, 'the vps-ready mail');
    expect(link.startsWith(`${STOREFRONT_URL}/services/`)).toBe(true);
    expect(new URL(link).pathname).toMatch(/^\/my\/services\/[0-9a-f-]{36}\/credentials$/);
    // The old link: a GET on the API, which has no such route and would want a bearer token anyway.
    await shop.http.get(`/v1/services/${link.split('/').at(-2)}/credentials`).expect(404);
  });

  it('serves no API description when DOCS_ENABLED=false', async () => {
    await shop.http.get('/docs').expect(404);
    await shop.http.get('/docs-json').expect(404);
  });

  it('answers /metrics only to its bearer token', async () => {
    await shop.http.get('/metrics').expect(401);
    await shop.http.get('/metrics').auth('x'.repeat(64), { type: 'bearer' }).expect(401);
    const scraped = await shop.http.get('/metrics').auth(METRICS_TOKEN, { type: 'bearer' }).expect(200);
    expect(scraped.text).toContain('# TYPE');
  });

  it('says PostgreSQL is unreachable on /health/ready, never why; the reason goes to the log', async () => {
    await setLogin(false);
    try {
      const down = await waitFor(async () => {
        const r = await shop.http.get('/health/ready');
        return r.status === 503 ? (r.body as { checks?: Record<string, unknown> }) : undefined;
      }, 'readiness down');
      expect(down.checks?.postgres).toEqual({ status: 'down', message: 'unreachable' });
      const text = JSON.stringify(down);
      for (const leak of [role, 'permitted', 'password', '5432', '127.0.0.1', 'ECONN']) {
        expect({ leak, found: text.includes(leak) }).toEqual({ leak, found: false });
      }
    } finally {
      await setLogin(true);
    }
    await waitFor(
      async () => ((await shop.http.get('/health/ready')).status === 200 ? true : undefined),
      'ready again',
    );
  });

  it('refuses to boot in production with /metrics open, naming METRICS_TOKEN', async () => {
    const proc = spawnNode('dist/src/main.js', {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '3431',
      KAFKA_TOPIC_PREFIX: prefix,
      PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ALLOW_TEST_PAYMENTS: 'true',
      ALLOW_SIMULATED_PROVISIONING: 'true',
      METRICS_TOKEN: '',
    });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toMatch(/METRICS_TOKEN is unset or a value the project ships/);
  });
});
