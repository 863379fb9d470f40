import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { createPlatformApp, verifyWebhookSignature } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

const MAX_ATTEMPTS = 3;
const INITIAL_BACKOFF_MS = 200;
const TIMEOUT_MS = 1_000;
const MAX_ENDPOINTS = 3;

/** What the receiver answers: a status code, or no answer at all (the delivery times out). */
type Answer = number | 'hang';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Payload;
}

interface Payload {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  tenantId: string;
  correlationId: string;
  data: Record<string, unknown>;
}

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: string;
  createdAt: string;
  secretRotatedAt: string;
  disabledAt: string | null;
  secret?: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  attemptLog: {
    attempt: number;
    at: string;
    statusCode: number | null;
    durationMs: number | null;
    error: string | null;
  }[];
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A customer's webhook receiver on a free port: keeps every request and answers as each path is told to. */
class Receiver {
  readonly received: Received[] = [];
  private readonly answers = new Map<string, Answer[]>();
  private readonly hanging = new Set<ServerResponse>();
  private port = 0;
  private readonly server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      this.received.push({ path, headers: request.headers, raw, body: JSON.parse(raw) as Payload });
      const answer = this.answers.get(path)?.shift() ?? 200;
      if (answer === 'hang') {
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return;
      }
      response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) {
      response.destroy();
    }
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** A fresh path of its own for one endpoint. */
  endpoint(): { path: string; url: string } {
    const path = `/hooks/${randomUUID()}`;
    return { path, url: `http://127.0.0.1:${this.port}${path}` };
  }

  answer(path: string, answers: Answer[]): void {
    this.answers.set(path, [...answers]);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function header(received: Received, name: string): string {
  const value = received.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function signature(received: Received, secret: string): string {
  return verifyWebhookSignature(
    header(received, 'Platforma-Signature'),
    Buffer.from(received.raw),
    secret,
    300,
  );
}

describe('customer webhooks (monolith, real Kafka, PostgreSQL and an HTTP receiver)', () => {
  const prefix = uniquePrefix('webhooks');
  const receiver = new Receiver();
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;

  beforeAll(async () => {
    await receiver.start();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_INITIAL_BACKOFF_MS: String(INITIAL_BACKOFF_MS),
      WEBHOOK_MAX_BACKOFF_MS: '1000',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_MAX_ENDPOINTS_PER_TENANT: String(MAX_ENDPOINTS),
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    planId = (await shop.publishPlan(await shop.adminToken())).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await receiver.stop();
  });

  function register(token: string, body: Record<string, unknown>) {
    return shop.http.post('/v1/webhooks').auth(token, { type: 'bearer' }).send(body);
  }

  async function registered(
    token: string,
    url: string,
    events: string[],
  ): Promise<Webhook & { secret: string }> {
    const response = await register(token, { url, events }).expect(201);
    return response.body as Webhook & { secret: string };
  }

  async function placeOrder(token: string): Promise<{ orderId: string; hostname: string }> {
    const body = shop.orderBody(planId);
    const response = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(body)
      .expect(201);
    return { orderId: (response.body as { id: string }).id, hostname: String(body.hostname) };
  }

  /** The first request at the path carrying this event of this order. */
  function arrival(path: string, type: string, orderId: string, timeoutMs = 30_000): Promise<Received> {
    return waitFor(
      () =>
        Promise.resolve(
          receiver.at(path).find((r) => r.body.type === type && r.body.data.orderId === orderId),
        ),
      `${type} of ${orderId} at ${path}`,
      timeoutMs,
    );
  }

  async function deliveries(token: string, webhookId: string, query = ''): Promise<Page<Delivery>> {
    const response = await shop.http
      .get(`/v1/webhooks/${webhookId}/deliveries${query}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    return response.body as Page<Delivery>;
  }

  function deliveryReaches(token: string, webhookId: string, status: string): Promise<Delivery> {
    return waitFor(
      async () => (await deliveries(token, webhookId)).items.find((d) => d.status === status),
      `a ${status} delivery of webhook ${webhookId}`,
    );
  }

  function expectProblem(response: Response, status: number, code: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, code });
  }

  it('shows the secret once and delivers the tenant’s events signed with it, to the subscribed endpoints', async () => {
    const { accountId, token } = await shop.customer();
    const all = receiver.endpoint();
    const createdOnly = receiver.endpoint();
    const response = await register(token, { url: all.url, events: ['*'], description: 'everything' }).expect(
      201,
    );
    const webhook = response.body as Webhook & { secret: string };
    expect(webhook).toMatchObject({
      url: all.url,
      events: ['*'],
      description: 'everything',
      status: 'active',
    });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const other = await registered(token, createdOnly.url, ['order.created']);
    expect(other.secret).not.toBe(webhook.secret);

    const read = await shop.http
      .get(`/v1/webhooks/${webhook.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(read.body).toEqual({ ...webhook, secret: undefined });
    expect(read.body).not.toHaveProperty('secret');
    const list = await shop.http.get('/v1/webhooks').auth(token, { type: 'bearer' }).expect(200);
    expect((list.body as Page<Webhook>).items.map((w) => w.id)).toEqual([other.id, webhook.id]);
    expect(JSON.stringify(list.body)).not.toContain(webhook.secret);
    const rows: Record<string, unknown>[] = await db.query(
      'SELECT * FROM notifications.webhook_endpoints WHERE tenant_id = $1',
      [accountId],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(webhook.secret.slice(6));
      expect((row.secret_ciphertext as Buffer).includes(Buffer.from(webhook.secret))).toBe(false);
    }

    const { orderId, hostname } = await placeOrder(token);
    const created = await arrival(all.path, 'order.created', orderId);
    expect(signature(created, webhook.secret)).toBe('valid');
    expect(signature(created, other.secret)).toBe('invalid');
    expect(created.body).toMatchObject({
      type: 'order.created',
      version: 2,
      tenantId: accountId,
      data: { orderId, accountId, planId, hostname },
    });
    expect(created.body.correlationId).toEqual(expect.any(String));
    expect(new Date(created.body.occurredAt).getTime()).not.toBeNaN();
    expect(header(created, 'content-type')).toBe('application/json');
    expect(header(created, 'Platforma-Event-Id')).toBe(created.body.id);
    expect(header(created, 'Platforma-Event-Type')).toBe('order.created');
    expect(header(created, 'Platforma-Delivery-Attempt')).toBe('1');
    const toOther = await arrival(createdOnly.path, 'order.created', orderId);
    expect(signature(toOther, other.secret)).toBe('valid');
    expect(toOther.body.id).toBe(created.body.id);
    expect(header(toOther, 'Platforma-Delivery-Id')).not.toBe(header(created, 'Platforma-Delivery-Id'));

    // Later events of the order follow, each signed.
    const generated = await arrival(all.path, 'invoice.generated', orderId);
    const invoiceId = String(generated.body.data.invoiceId);
    await shop.http
      .post(`/v1/invoices/${invoiceId}/pay`)
      .auth(token, { type: 'bearer' })
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    for (const type of ['payment.received', 'invoice.paid', 'order.confirmed', 'order.completed']) {
      const event = await arrival(all.path, type, orderId);
      expect({ type, signature: signature(event, webhook.secret), tenant: event.body.tenantId }).toEqual({
        type,
        signature: 'valid',
        tenant: accountId,
      });
    }
    expect(JSON.stringify(receiver.at(all.path))).not.toContain(webhook.secret);
    // Each event once per endpoint; the order.created-only endpoint got nothing else.
    const ids = receiver.at(all.path).map((r) => r.body.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.at(createdOnly.path).map((r) => r.body.type)).toEqual(['order.created']);

    const log = await deliveries(token, webhook.id);
    const first = log.items.find((d) => d.eventType === 'order.created');
    expect(first).toMatchObject({
      id: header(created, 'Platforma-Delivery-Id'),
      eventId: created.body.id,
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
      attemptLog: [{ attempt: 1, statusCode: 200, error: null, durationMs: expect.any(Number) as number }],
    });
    expect(first?.deliveredAt).toEqual(expect.any(String));
    // Cursor pagination, newest first.
    const page1 = await deliveries(token, webhook.id, '?limit=2');
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBe(page1.items[1]?.id);
    const page2 = await deliveries(token, webhook.id, `?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.length).toBeGreaterThan(0);
    expect(page2.items.map((d) => d.id).filter((id) => page1.items.some((d) => d.id === id))).toEqual([]);
  });

  it('retries an endpoint answering 500 with backoff and delivers on the third attempt', async () => {
    const { token } = await shop.customer();
    const target = receiver.endpoint();
    receiver.answer(target.path, [500, 500]);
    const webhook = await registered(token, target.url, ['order.created']);
    const { orderId } = await placeOrder(token);

    const delivery = await deliveryReaches(token, webhook.id, 'delivered');
    expect(delivery).toMatchObject({
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(delivery.attemptLog.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 200, null],
    ]);
    const at = delivery.attemptLog.map((a) => new Date(a.at).getTime());
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(INITIAL_BACKOFF_MS);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(2 * INITIAL_BACKOFF_MS);

    const requests = receiver.at(target.path);
    expect(requests.map((r) => header(r, 'Platforma-Delivery-Attempt'))).toEqual(['1', '2', '3']);
    expect(new Set(requests.map((r) => header(r, 'Platforma-Delivery-Id')))).toEqual(new Set([delivery.id]));
    for (const request of requests) {
      expect(request.body).toMatchObject({ id: delivery.eventId, type: 'order.created', data: { orderId } });
      expect(signature(request, webhook.secret)).toBe('valid');
    }
  });

  it('gives up after the last attempt when the endpoint times out and keeps failing', async () => {
    const { token } = await shop.customer();
    const target = receiver.endpoint();
    receiver.answer(target.path, ['hang', 503, 500, 500]);
    const webhook = await registered(token, target.url, ['order.created']);
    await placeOrder(token);

    const delivery = await deliveryReaches(token, webhook.id, 'failed');
    expect(delivery).toMatchObject({
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(delivery.failedAt).toEqual(expect.any(String));
    // No answer shows as unreachable, without its duration (issue #17: no port-scanning oracle); the retry
    // counts from the attempt's deadline.
    expect(delivery.attemptLog.map((a) => [a.statusCode, a.error, a.durationMs === null])).toEqual([
      [null, 'unreachable', true],
      [503, 'HTTP 503', false],
      [500, 'HTTP 500', false],
    ]);
    const at = delivery.attemptLog.map((a) => new Date(a.at).getTime());
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(TIMEOUT_MS + INITIAL_BACKOFF_MS);
    await pause(1_500);
    expect(receiver.at(target.path)).toHaveLength(MAX_ATTEMPTS);
  });

  it('never shows or delivers one tenant’s webhooks and events to another', async () => {
    const alice = await shop.customer();
    const bob = await shop.customer();
    const aliceTarget = receiver.endpoint();
    const bobTarget = receiver.endpoint();
    const aliceHook = await registered(alice.token, aliceTarget.url, ['*']);
    const bobHook = await registered(bob.token, bobTarget.url, ['*']);

    const bobOrder = await placeOrder(bob.token);
    const aliceOrder = await placeOrder(alice.token);
    await arrival(bobTarget.path, 'invoice.generated', bobOrder.orderId);
    await arrival(aliceTarget.path, 'invoice.generated', aliceOrder.orderId);
    expect(new Set(receiver.at(aliceTarget.path).map((r) => r.body.tenantId))).toEqual(
      new Set([alice.accountId]),
    );
    expect(new Set(receiver.at(bobTarget.path).map((r) => r.body.tenantId))).toEqual(
      new Set([bob.accountId]),
    );
    expect(JSON.stringify(receiver.at(aliceTarget.path))).not.toContain(bobOrder.orderId);

    for (const request of [
      shop.http.get(`/v1/webhooks/${bobHook.id}`),
      shop.http.get(`/v1/webhooks/${bobHook.id}/deliveries`),
      shop.http.post(`/v1/webhooks/${bobHook.id}/rotate-secret`),
      shop.http.delete(`/v1/webhooks/${bobHook.id}`),
    ]) {
      expectProblem(await request.auth(alice.token, { type: 'bearer' }), 404, 'webhook-not-found');
    }
    const aliceList = await shop.http.get('/v1/webhooks').auth(alice.token, { type: 'bearer' }).expect(200);
    expect((aliceList.body as Page<Webhook>).items.map((w) => w.id)).toEqual([aliceHook.id]);
    expectProblem(
      await shop.http.get(`/v1/webhooks?tenantId=${bob.accountId}`).auth(alice.token, { type: 'bearer' }),
      403,
      'tenant-not-allowed',
    );
    // The operator may list any tenant's webhooks, still without their secrets.
    const admin = await shop.adminToken();
    const bobList = await shop.http
      .get(`/v1/webhooks?tenantId=${bob.accountId}`)
      .auth(admin, { type: 'bearer' });
    expect(bobList.status).toBe(200);
    expect((bobList.body as Page<Webhook>).items.map((w) => w.id)).toEqual([bobHook.id]);
    expect(JSON.stringify(bobList.body)).not.toContain(bobHook.secret);
    // Bob's webhook still works after all of Alice's attempts.
    await shop.http.get(`/v1/webhooks/${bobHook.id}`).auth(bob.token, { type: 'bearer' }).expect(200);
  });

  it('sends nothing more to a deleted endpoint, nor to one that answered 410 Gone', async () => {
    const { token } = await shop.customer();
    const kept = receiver.endpoint();
    const deleted = receiver.endpoint();
    const gone = receiver.endpoint();
    receiver.answer(gone.path, [410]);
    const keptHook = await registered(token, kept.url, ['order.created']);
    const deletedHook = await registered(token, deleted.url, ['order.created']);
    const goneHook = await registered(token, gone.url, ['order.created']);

    await shop.http.delete(`/v1/webhooks/${deletedHook.id}`).auth(token, { type: 'bearer' }).expect(204);
    expectProblem(
      await shop.http.get(`/v1/webhooks/${deletedHook.id}`).auth(token, { type: 'bearer' }),
      404,
      'webhook-not-found',
    );
    expectProblem(
      await shop.http.delete(`/v1/webhooks/${deletedHook.id}`).auth(token, { type: 'bearer' }),
      404,
      'webhook-not-found',
    );

    const first = await placeOrder(token);
    await arrival(kept.path, 'order.created', first.orderId);
    const refused = await deliveryReaches(token, goneHook.id, 'failed');
    expect(refused).toMatchObject({ attempts: 1, lastStatusCode: 410 });
    expect(refused.lastError).toMatch(/^HTTP 410/);
    const disabled = await shop.http
      .get(`/v1/webhooks/${goneHook.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(disabled.body).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) as string });

    const second = await placeOrder(token);
    await arrival(kept.path, 'order.created', second.orderId);
    await pause(1_000);
    expect(receiver.at(deleted.path)).toHaveLength(0);
    expect(receiver.at(gone.path)).toHaveLength(1);
    expect((await deliveries(token, goneHook.id)).items).toHaveLength(1);
    const list = await shop.http.get('/v1/webhooks').auth(token, { type: 'bearer' }).expect(200);
    expect((list.body as Page<Webhook>).items.map((w) => w.id)).toEqual([goneHook.id, keptHook.id]);
  });

  it('refuses invalid registrations with problem+json and caps the endpoints per tenant', async () => {
    const { token } = await shop.customer();
    const { url } = receiver.endpoint();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ url: 'ftp://example.com/hook', events: ['*'] }, 422, 'webhook-url-not-allowed'],
      [{ url: 'http://user:secret@127.0.0.1/hook', events: ['*'] }, 422, 'webhook-url-not-allowed'],
      [{ url: 'not a url', events: ['*'] }, 422, 'webhook-url-not-allowed'],
      [{ url, events: ['*', 'order.created'] }, 422, 'webhook-events-invalid'],
      [{ url, events: ['order.shipped'] }, 400, 'validation-failed'],
      [{ url, events: ['provisioning.completed'] }, 400, 'validation-failed'],
      [{ url, events: [] }, 400, 'validation-failed'],
      [{ url, events: ['order.created', 'order.created'] }, 400, 'validation-failed'],
      [{ url, events: 'order.created' }, 400, 'validation-failed'],
      [{ events: ['*'] }, 400, 'validation-failed'],
      [{ url, events: ['*'], secret: 'whsec_mine' }, 400, 'validation-failed'],
      [{ url, events: ['*'], description: 'x'.repeat(501) }, 400, 'validation-failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await register(token, body);
      expect({ body, status: response.status, code: (response.body as { code?: string }).code }).toEqual({
        body,
        status,
        code,
      });
      expectProblem(response, status, code);
    }
    const credentials = await register(token, { url: 'http://user:secret@127.0.0.1/hook', events: ['*'] });
    expect(credentials.body).toMatchObject({ detail: 'the url must not contain credentials' });
    expect(JSON.stringify(credentials.body)).not.toContain('secret@');
    expectProblem(
      await shop.http.get('/v1/webhooks/not-a-uuid').auth(token, { type: 'bearer' }),
      400,
      'bad-request',
    );
    expectProblem(
      await shop.http.get(`/v1/webhooks/${randomUUID()}`).auth(token, { type: 'bearer' }),
      404,
      'webhook-not-found',
    );
    expect((await shop.http.get('/v1/webhooks')).status).toBe(401);
    expect((await shop.http.post('/v1/webhooks').send({ url, events: ['*'] })).status).toBe(401);

    const hooks = [];
    for (let i = 0; i < MAX_ENDPOINTS; i++) {
      hooks.push(await registered(token, receiver.endpoint().url, ['*']));
    }
    expectProblem(await register(token, { url, events: ['*'] }), 409, 'webhook-limit-reached');
    await shop.http.delete(`/v1/webhooks/${hooks[0]?.id}`).auth(token, { type: 'bearer' }).expect(204);
    await register(token, { url, events: ['*'] }).expect(201);
  });

  it('signs new deliveries with the rotated secret only', async () => {
    const { token } = await shop.customer();
    const target = receiver.endpoint();
    const webhook = await registered(token, target.url, ['order.created']);
    const rotated = await shop.http
      .post(`/v1/webhooks/${webhook.id}/rotate-secret`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    const { secret } = rotated.body as { secret: string; secretRotatedAt: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toBe(webhook.secret);
    expect(rotated.body).toMatchObject({ id: webhook.id, url: target.url, status: 'active' });
    expect(new Date((rotated.body as Webhook).secretRotatedAt).getTime()).toBeGreaterThan(
      new Date(webhook.secretRotatedAt).getTime(),
    );
    const read = await shop.http
      .get(`/v1/webhooks/${webhook.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(JSON.stringify(read.body)).not.toContain(secret);

    const { orderId } = await placeOrder(token);
    const delivered = await arrival(target.path, 'order.created', orderId);
    expect(signature(delivered, secret)).toBe('valid');
    expect(signature(delivered, webhook.secret)).toBe('invalid');
  });
});
