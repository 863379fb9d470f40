import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TopicAdminService } from '@app/messaging';
import { loadConfig } from '@app/platform';
import { orderEvents } from '../support/event-log.js';
import { dropOutboxRows, uniquePrefix } from '../support/isolation.js';
import { spawnNode, waitFor, type Spawned } from '../support/processes.js';
import { environmentSecretsKey, signUpToken } from '../support/sign-up.js';
import { smallPlan } from '../support/storefront.js';

// The monolith SIGKILLed in the middle of an order's saga (while the VPS is being built) and started again: the
// saga resumes from the database and the order completes, with each step done once.
describe('saga survives a SIGKILL of the monolith', () => {
  const prefix = uniquePrefix('restart');
  const port = 3492;
  const base = `http://127.0.0.1:${port}`;
  const db = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL ?? '' });
  let proc: Spawned | undefined;

  const start = async (): Promise<Spawned> => {
    const child = spawnNode('dist/src/main.js', {
      PORT: String(port),
      HOST: '127.0.0.1',
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '600',
      // The killed process's group members are only dropped after this; keep the rejoin short.
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      LOG_LEVEL: 'warn',
    });
    await waitFor(
      async () => ((await fetch(`${base}/health/ready`)).ok ? true : undefined),
      'the monolith to be ready',
      60_000,
      200,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${child.output()}`);
    });
    return child;
  };

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await db.initialize();
  });

  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await db.destroy();
    const admin = new TopicAdminService({ ...loadConfig().messaging, topicPrefix: prefix });
    await admin.deleteTopics(admin.catalogTopics());
    await admin.onModuleDestroy();
    await dropOutboxRows(process.env.DATABASE_URL ?? '', prefix);
  });

  it('resumes the saga after the restart and completes the order once', async () => {
    try {
      await scenario();
    } catch (error) {
      // The monolith's own log explains a failure better than a timeout does.
      throw new Error(`${String(error)}\n--- monolith output ---\n${proc?.output().slice(-8_000) ?? ''}`);
    }
    // Two boots (up to 60 s each) and the waits between them: the inner waits must time out first so that the
    // monolith's log reaches the report.
  }, 240_000);

  async function scenario(): Promise<void> {
    proc = await start();
    const admin = await call('POST', '/v1/auth/token', undefined, {
      apiKey: process.env.BOOTSTRAP_ADMIN_API_KEY,
    });
    const adminToken = String(admin.body.accessToken);
    const plan = await call('POST', '/v1/admin/catalog/plans', adminToken, smallPlan('Restart plan', 500));
    expect(plan.status).toBe(201);
    const email = `${randomUUID()}@example.com`;
    const requested = await call('POST', '/v1/accounts', undefined, {
      name: 'Restart GmbH',
      email,
      country: 'DE',
      currency: 'EUR',
    });
    expect(requested.status).toBe(202);
    const signUp = await call('POST', '/v1/accounts/verify', undefined, {
      token: await signUpToken((sql, params) => db.query(sql, params), email, environmentSecretsKey()),
    });
    expect(signUp.status).toBe(201);
    const token = String(
      (await call('POST', '/v1/auth/token', undefined, { apiKey: signUp.body.apiKey })).body.accessToken,
    );
    const order = await waitFor(async () => {
      const r = await call('POST', '/v1/orders', token, {
        planId: plan.body.id,
        region: 'eu-central-1',
        image: 'ubuntu-24.04',
        hostname: 'restart.example.com',
        billingCycle: 'monthly',
      });
      return r.status === 201 ? r.body : undefined;
    }, 'an order once orders knows the plan');
    const orderId = String(order.id);
    const invoice = await waitFor(
      async () => {
        const r = await call('GET', `/v1/invoices?orderId=${orderId}`, token);
        return (r.body.items as { id: string }[] | undefined)?.[0];
      },
      'the invoice',
      60_000,
    );
    expect(
      (await call('POST', `/v1/invoices/${invoice.id}/pay`, token, { paymentToken: 'tok_success' })).status,
    ).toBe(200);
    await waitFor(async () => {
      const events = await orderEvents(db, orderId);
      return events.some((e) => e.type === 'provisioning.progress') ? true : undefined;
    }, 'the VPS build to be under way');

    proc.child.kill('SIGKILL');
    await proc.exited;
    const before = await orderEvents(db, orderId);
    expect(before.some((e) => e.type === 'saga.completed')).toBe(false);

    proc = await start();
    const completed = await waitFor(
      async () => {
        const r = await call('GET', `/v1/orders/${orderId}`, token);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      'the order to complete after the restart',
      60_000,
      250,
    );
    expect(completed.serviceId).toBeTruthy();
    // orders completes the order on provisioning.completed; the saga finishes on its own, a moment later.
    const log = await waitFor(async () => {
      const events = await orderEvents(db, orderId);
      return events.some((e) => e.type === 'saga.completed') ? events : undefined;
    }, 'saga.completed after the restart');
    for (const type of [
      'provisioning.requested',
      'provisioning.started',
      'provisioning.completed',
      'saga.completed',
    ]) {
      expect({ type, n: log.filter((e) => e.type === type).length }).toEqual({ type, n: 1 });
    }
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});
