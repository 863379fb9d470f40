import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { type LoggedEvent, orderEvents } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface AuditEvent {
  id: string;
  eventId: string | null;
  type: string;
  orderId: string | null;
  tenantId: string | null;
  occurredAt: string;
  payload: unknown;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Order {
  id: string;
  status: string;
  serviceId: string | null;
}

/** Every string anywhere in a JSON value, lower case. */
const stringsOf = (value: unknown): string[] => {
  if (typeof value === 'string') {
    return [value.toLowerCase()];
  }
  if (value !== null && typeof value === 'object') {
    return Object.values(value).flatMap(stringsOf);
  }
  return [];
};
const names = (value: unknown, id: string): boolean => stringsOf(value).includes(id.toLowerCase());

describe('audit search by payload id, field value and time range (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('audit-search');
  const env = {
    ...process.env,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    PROVISIONING_SIMULATOR_STEP_MS: '0',
  };
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let adminToken: string;
  let planId: string;
  let customer: { accountId: string; token: string };
  let completed: Order;
  let published: LoggedEvent[];

  const get = async <T>(path: string, token = adminToken, status = 200): Promise<T> => {
    const response = await shop.http.get(path).auth(token, { type: 'bearer' });
    expect({ path, status: response.status }).toEqual({ path, status });
    return response.body as T;
  };

  const search = (query: Record<string, string>) =>
    get<Page<AuditEvent>>(
      `/v1/admin/audit/search?${new URLSearchParams({ limit: '200', ...query }).toString()}`,
    );

  /** Search results once the tap has logged every one of `eventIds` (it runs behind the consumers). */
  const searchFinding = (query: Record<string, string>, eventIds: string[]) =>
    waitFor(
      async () => {
        const page = await search(query);
        const found = new Set(page.items.map((e) => e.eventId));
        return eventIds.every((id) => found.has(id)) ? page.items : undefined;
      },
      `${JSON.stringify(query)} finding ${eventIds.length} events`,
      40_000,
    );

  const orderReaches = (orderId: string, status: string) =>
    waitFor(
      async () => {
        const r = await shop.http.get(`/v1/orders/${orderId}`).auth(customer.token, { type: 'bearer' });
        const order = r.body as Order;
        return order.status === status ? order : undefined;
      },
      `order ${orderId} ${status}`,
      40_000,
    );

  const dataOf = (type: string): Record<string, unknown> => {
    const event = published.find((e) => e.type === type);
    expect(event).toBeDefined();
    return event?.data ?? {};
  };

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, env);
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    adminToken = await shop.adminToken();
    planId = (await shop.publishPlan(adminToken)).id;
    await shop.planKnown(planId);
    const { accountId, apiKey } = await shop.signUp();
    customer = { accountId, token: await shop.token(apiKey) };
    const orderId = await shop.paidOrder(customer.token, planId);
    completed = await orderReaches(orderId, 'completed');
    published = await waitFor(async () => {
      const events = await orderEvents(db, orderId);
      return ['order.completed', 'saga.completed', 'notification.requested'].every((t) =>
        events.some((e) => e.type === t),
      )
        ? events
        : undefined;
    }, 'the order’s last events published');
  }, 120_000);

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('finds an order’s events by its invoice, payment, service, account and order id, wherever they stand', async () => {
    const invoiceId = String(dataOf('invoice.generated').invoiceId);
    const paymentId = String(dataOf('payment.received').paymentId);
    const ids = {
      order: completed.id,
      invoice: invoiceId,
      payment: paymentId,
      service: completed.serviceId ?? '',
      account: customer.accountId,
    };
    for (const [kind, id] of Object.entries(ids)) {
      // What the modules published naming the id (their outboxes), whatever the field: the log must find them all.
      const expected = published.filter((e) => names(e.data, id)).map((e) => e.id);
      expect({ kind, some: expected.length > 0 }).toEqual({ kind, some: true });
      const found = await searchFinding({ id: id.toUpperCase() }, expected);
      expect({ kind, all: found.every((e) => names(e.payload, id)) }).toEqual({ kind, all: true });
      if (kind === 'order') {
        // Exactly the order's own events: published holds every event naming the order.
        expect(new Set(found.map((e) => e.eventId))).toEqual(new Set(expected));
      }
    }
    // notification.requested names the order only in variables.orderId: found by the id all the same.
    const byOrder = await search({ id: completed.id });
    expect(byOrder.items.map((e) => e.type)).toContain('notification.requested');
    expect(await search({ id: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01' })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('finds events by a payload field’s value, nested fields and numbers included, with the other filters', async () => {
    const notifications = published.filter((e) => e.type === 'notification.requested').map((e) => e.id);
    const nested = await searchFinding({ path: 'variables.orderId', value: completed.id }, notifications);
    expect(new Set(nested.map((e) => e.eventId))).toEqual(new Set(notifications));

    const payment = dataOf('payment.received');
    const paymentEvent = published.find((e) => e.type === 'payment.received')?.id ?? '';
    const byField = await searchFinding(
      { path: 'invoiceId', value: String(payment.invoiceId), type: 'payment.received' },
      [paymentEvent],
    );
    expect(byField.map((e) => e.eventId)).toEqual([paymentEvent]);

    // amountMinor is a number in the payload, text in the query; the id narrows it to this payment.
    const amount = await search({
      id: String(payment.paymentId),
      path: 'amountMinor',
      value: String(payment.amountMinor),
      tenantId: byField[0]?.tenantId ?? '',
    });
    const expected = published
      .filter((e) => names(e.data, String(payment.paymentId)) && e.data.amountMinor === payment.amountMinor)
      .map((e) => e.id);
    expect(new Set(amount.items.map((e) => e.eventId))).toEqual(new Set(expected));
    expect(expected).toContain(paymentEvent);

    expect((await search({ path: 'variables.orderId', value: completed.id.toUpperCase() })).items).toEqual(
      [],
    );
  });

  it('pages a time range newest first by cursor, each event once, while new events keep arriving', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const inRange = async () => {
      const rows: { id: string }[] = await db.query(
        `SELECT id::text FROM audit.event_log WHERE occurred_at >= $1 AND occurred_at < $2`,
        [from, to],
      );
      return rows.map((r) => r.id);
    };
    // Orders keep being placed and paid (each one a saga's worth of events) until the paging is over.
    let paging = true;
    const orders: string[] = [];
    const traffic = (async () => {
      while (paging) {
        orders.push(await shop.paidOrder(customer.token, planId));
      }
    })();
    const before = await inRange();
    await waitFor(async () => ((await inRange()).length > before.length ? true : undefined), 'new events');
    const present = await inRange();

    const seen: AuditEvent[] = [];
    let cursor: string | null = null;
    try {
      do {
        const query: Record<string, string> = { from, to, limit: '7', ...(cursor ? { cursor } : {}) };
        const page = await search(query);
        seen.push(...page.items);
        cursor = page.nextCursor;
        await sleep(150);
      } while (cursor);
    } finally {
      paging = false;
      await traffic;
    }
    const after = await inRange();

    expect(after.length).toBeGreaterThan(present.length); // events did arrive while paging
    const seenIds = seen.map((e) => e.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(seenIds).toEqual(expect.arrayContaining(present));
    expect(seen.every((e) => e.occurredAt >= from && e.occurredAt < to)).toBe(true);
    const descending = seen.every((e, i) => {
      const next = seen[i + 1];
      return (
        next === undefined ||
        e.occurredAt > next.occurredAt ||
        (e.occurredAt === next.occurredAt && BigInt(e.id) > BigInt(next.id))
      );
    });
    expect(descending).toBe(true);
    expect(orders.length).toBeGreaterThan(0);
  }, 90_000);

  it('refuses malformed searches with problem+json, and the search to non-admins', async () => {
    for (const bad of [
      'id=not-an-id',
      'id=0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0',
      'path=a..b&value=1',
      'path=lines[0].amountMinor&value=1',
      "path=a'--&value=1",
      'path=hostname',
      'value=web-1.example.com',
      'from=yesterday',
      'from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z',
      'value=a&value=b&path=x',
      'limit=0',
      'cursor=abc',
      'type=Order%20Created',
    ]) {
      const response = await shop.http
        .get(`/v1/admin/audit/search?${bad}`)
        .auth(adminToken, { type: 'bearer' });
      expect({ bad, status: response.status }).toEqual({ bad, status: 400 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = response.body as { status?: unknown; type?: unknown; code?: unknown };
      expect({ bad, status: body.status, type: typeof body.type, code: typeof body.code }).toEqual({
        bad,
        status: 400,
        type: 'string',
        code: 'string',
      });
    }
    await get('/v1/admin/audit/search?path=hostname', adminToken, 400).then((body) =>
      expect(body).toMatchObject({ code: 'invalid-filter' }),
    );
    await get(`/v1/admin/audit/search?id=${completed.id}`, customer.token, 403);
    await shop.http.get(`/v1/admin/audit/search?id=${completed.id}`).expect(401);
  });
});
