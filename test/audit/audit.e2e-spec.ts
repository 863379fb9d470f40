import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { auditLogGroupId, auditLogGroups } from '@app/audit';
import {
  DLQ_HEADER,
  EventProducer,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  TopicAdminService,
  TopicReader,
} from '@app/messaging';
import { AppConfig, createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { orderEvents } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface DeadLetter {
  error: string | null;
  attempts: number | null;
  consumerGroup: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  redriveCount: number;
}
interface AuditEvent {
  id: string;
  eventId: string | null;
  type: string;
  version: number | null;
  topic: string;
  partition: number;
  offset: string;
  tenantId: string | null;
  correlationId: string | null;
  causationId: string | null;
  orderId: string | null;
  occurredAt: string;
  recordedAt: string;
  headers: Record<string, string>;
  payload: unknown;
  rawValue: string | null;
  redriveCount: number;
  deadLetter: DeadLetter | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface TimelineEntry extends AuditEvent {
  depth: number;
  kind: string;
  label: string;
  actions: { action: string; result: string }[];
}
interface Timeline {
  orderId: string;
  correlationId: string | null;
  entries: TimelineEntry[];
}
interface Replay {
  replayId: string;
  orderId: string;
  status: 'pending' | 'done';
  folded: { status: string | null; serviceId: string | null; steps: { status: string }[] };
  stored: {
    found: boolean;
    status: string | null;
    serviceId: string | null;
    steps: { status: string }[];
  } | null;
  differences: { field: string; logged: unknown; stored: unknown }[];
  matches: boolean | null;
}
interface GroupLag {
  groupId: string;
  lag: number;
  topics: {
    topic: string;
    partitions: { partition: number; committedOffset: number | null; endOffset: number; lag: number }[];
  }[];
}
interface Order {
  id: string;
  status: string;
  serviceId: string | null;
}

const MODULES = [
  'accounts',
  'catalog',
  'orders',
  'provisioning',
  'billing',
  'notifications',
  'audit',
  'saga',
];

describe('audit log and admin API (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('audit');
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
  let customer: { accountId: string; apiKey: string; token: string };
  let completed: Order;
  let password: string;

  const start = async () => {
    app = await createPlatformApp(MONOLITH, env);
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
  };

  const get = async <T>(path: string, token = adminToken, status = 200): Promise<T> => {
    const response = await shop.http.get(path).auth(token, { type: 'bearer' });
    expect({ path, status: response.status }).toEqual({ path, status });
    return response.body as T;
  };

  const problem = async (method: 'get' | 'post', path: string, status: number, body?: object) => {
    const request = shop.http[method](path).auth(adminToken, { type: 'bearer' });
    const response = await (method === 'post' ? request.send(body ?? {}) : request);
    expect({ path, status: response.status }).toEqual({ path, status });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return response.body as { code: string; detail?: string };
  };

  const placePaidOrder = (hostname?: string): Promise<string> =>
    shop.paidOrder(customer.token, planId, hostname ? { hostname } : {});

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

  /** The log holds records of all these types for the order (the tap runs behind the consumers). */
  const logHas = (orderId: string, types: string[]) =>
    waitFor(
      async () => {
        const timeline = await shop.http
          .get(`/v1/admin/orders/${orderId}/timeline`)
          .auth(adminToken, { type: 'bearer' });
        const entries = (timeline.body as Timeline).entries ?? [];
        return types.every((t) => entries.some((e) => e.type === t))
          ? (timeline.body as Timeline)
          : undefined;
      },
      `${types.join(', ')} of ${orderId} in the log`,
    );

  const tapCaughtUp = () =>
    waitFor(async () => {
      const { groups } = await get<{ groups: GroupLag[] }>('/v1/admin/consumers/lag');
      const taps = auditLogGroups(prefix).map(({ groupId }) => groups.find((g) => g.groupId === groupId));
      return taps.every((tap) => tap && tap.lag === 0) && (taps[0]?.topics.length ?? 0) > 0
        ? taps
        : undefined;
    }, 'the log tap to catch up');

  const claims = (token: string): { sub: string; tid: string } =>
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
      tid: string;
    };

  beforeAll(async () => {
    await start();
    adminToken = await shop.adminToken();
    planId = (await shop.publishPlan(adminToken)).id;
    await shop.planKnown(planId);
    const { accountId, apiKey } = await shop.signUp();
    customer = { accountId, apiKey, token: await shop.token(apiKey) };
    const orderId = await placePaidOrder();
    completed = await orderReaches(orderId, 'completed');
    const credentials = await shop.http
      .post(`/v1/services/${completed.serviceId}/credentials`)
      .auth(customer.token, { type: 'bearer' })
      .expect(200);
    password = (credentials.body as { password: string }).password;
    await logHas(orderId, ['order.completed', 'saga.completed', 'notification.requested']);
  }, 90_000);

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('logs every event of an order once; a full re-read of every topic adds nothing', async () => {
    const published = await orderEvents(db, completed.id);
    expect(published.length).toBeGreaterThan(10);
    const ids = published.map((e) => e.id);
    const counts = async () => {
      const rows: { event_id: string; topic: string; n: number }[] = await db.query(
        `SELECT event_id, topic, count(*)::int AS n FROM audit.event_log
         WHERE event_id = ANY($1) AND NOT is_dead_letter GROUP BY event_id, topic`,
        [ids],
      );
      return rows;
    };
    const logged = await waitFor(async () => {
      const rows = await counts();
      return rows.length === ids.length ? rows : undefined;
    }, 'every published event of the order in the log');
    expect(logged.every((r) => r.n === 1)).toBe(true);
    const topics = new Map(published.map((e) => [e.id, e.topic]));
    expect(logged.every((r) => topics.get(r.event_id) === r.topic)).toBe(true);

    // Redelivery: forget the tap's offsets (its group) while the app is down, so it reads every topic again.
    await tapCaughtUp();
    const [{ max }] = await db.query<[{ max: string }]>('SELECT max(id)::text AS max FROM audit.event_log');
    const settings = app.get<MessagingSettings>(MESSAGING_SETTINGS);
    await app.close();
    const admin = new TopicAdminService(settings);
    try {
      const tapGroups = auditLogGroups(prefix).map((g) => g.groupId);
      const before = await admin.consumerLag(auditLogGroupId(prefix));
      expect(before.topics.length).toBeGreaterThan(10);
      // The coordinator may take a moment to register that the tap left its groups.
      await waitFor(() => admin.deleteGroups(tapGroups).then(() => true), 'the tap groups deleted');
      for (const group of tapGroups) {
        expect((await admin.consumerLag(group)).topics).toEqual([]);
      }
    } finally {
      await admin.onModuleDestroy();
    }
    await start();
    await tapCaughtUp();
    // Records written before the restart came again; none became a second row.
    const again: unknown[] = await db.query(
      `SELECT n.id FROM audit.event_log n
       WHERE n.id > $1 AND EXISTS (
         SELECT 1 FROM audit.event_log o WHERE o.id <= $1
           AND o.topic = n.topic AND o.partition = n.partition AND o."offset" = n."offset")`,
      [max],
    );
    expect(again).toEqual([]);
    expect((await counts()).every((r) => r.n === 1)).toBe(true);
  }, 90_000);

  it('shows a completed order’s timeline in causal order, with its saga steps', async () => {
    const timeline = await get<Timeline>(`/v1/admin/orders/${completed.id}/timeline`);
    const { entries } = timeline;
    const created = entries.find((e) => e.type === 'order.created');
    expect(created).toMatchObject({ depth: 0, kind: 'order', orderId: completed.id });
    expect(timeline.correlationId).toBe(created?.correlationId);
    const position = new Map(entries.map((e, i) => [e.eventId, i]));
    for (const [i, entry] of entries.entries()) {
      const cause = entry.causationId ? position.get(entry.causationId) : undefined;
      if (cause !== undefined) {
        expect({ entry: entry.type, after: cause < i }).toEqual({ entry: entry.type, after: true });
        expect(entry.depth).toBe((entries[cause]?.depth ?? 0) + 1);
      }
    }
    const types = entries.map((e) => e.type);
    for (const type of [
      'order.created',
      'saga.started',
      'invoice.generated',
      'payment.received',
      'order.confirmed',
      'provisioning.requested',
      'provisioning.started',
      'provisioning.completed',
      'order.completed',
      'notification.requested',
      'saga.completed',
    ]) {
      expect(types).toContain(type);
    }
    // notification.requested does not name the order: it belongs to it through the correlation id.
    expect(
      entries.every((e) => e.correlationId === timeline.correlationId || e.orderId === completed.id),
    ).toBe(true);
    const labels = entries.filter((e) => e.kind === 'saga_step').map((e) => e.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'saga step invoice completed → payment',
        'saga step payment completed → provision',
      ]),
    );
    expect(entries.find((e) => e.type === 'order.completed')?.label).toBe(
      `order completed (service ${completed.serviceId})`,
    );
    expect(entries.some((e) => e.kind === 'compensation' || e.kind === 'dead_letter')).toBe(false);
    await problem('get', `/v1/admin/orders/${randomUUID()}/timeline`, 404);
    await problem('get', '/v1/admin/orders/not-an-id/timeline', 400);
  });

  it('shows a failed order’s compensations in the order they were caused', async () => {
    const orderId = await placePaidOrder(`fail-${Date.now()}.example.com`);
    await orderReaches(orderId, 'cancelled');
    const { entries } = await logHas(orderId, ['order.cancelled', 'saga.failed', 'payment.refunded']);
    const compensations = entries.filter((e) => e.kind === 'compensation').map((e) => e.type);
    expect(compensations).toEqual(
      expect.arrayContaining([
        'saga.compensating',
        'provisioning.release_requested',
        'invoice.void_requested',
        'order.cancel_requested',
      ]),
    );
    const index = (type: string) => entries.findIndex((e) => e.type === type);
    expect(index('provisioning.failed')).toBeGreaterThanOrEqual(0);
    for (const type of compensations) {
      expect({ type, afterFailure: index(type) > index('provisioning.failed') }).toEqual({
        type,
        afterFailure: true,
      });
    }
    expect(entries.find((e) => e.type === 'invoice.void_requested')?.label).toBe(
      'compensation: invoice void requested (provisioning_failed)',
    );
    // The refund the void made is in the timeline, after the request that caused it.
    expect(index('payment.refunded')).toBeGreaterThan(index('invoice.void_requested'));
    expect(entries.find((e) => e.type === 'saga.compensating')?.label).toMatch(
      /^compensation: saga undoing .+ after provision failed/,
    );
    expect(index('order.cancelled')).toBeGreaterThan(index('order.cancel_requested'));
  });

  const replay = async (orderId: string): Promise<Replay> => {
    const accepted = await shop.http
      .post(`/v1/admin/orders/${orderId}/replays`)
      .auth(adminToken, { type: 'bearer' })
      .send({ reason: 'audit check' })
      .expect(202);
    const { replayId, status } = accepted.body as { replayId: string; status: string };
    expect(status).toBe('pending');
    return waitFor(async () => {
      const r = await get<Replay>(`/v1/admin/replays/${replayId}`);
      return r.status === 'done' ? r : undefined;
    }, `replay ${replayId}`);
  };

  it('replays a completed order: the log and what orders stores match', async () => {
    const result = await replay(completed.id);
    expect(result).toMatchObject({
      orderId: completed.id,
      matches: true,
      differences: [],
      folded: { status: 'completed', serviceId: completed.serviceId },
      stored: { found: true, status: 'completed', serviceId: completed.serviceId },
    });
    const statuses = ['pending', 'awaiting_payment', 'confirmed', 'provisioning', 'completed'];
    expect(result.folded.steps.map((s) => s.status)).toEqual(statuses);
    expect(result.stored?.steps.map((s) => s.status)).toEqual(statuses);
    const actions = await get<Page<{ action: string; orderId: string; replayId: string; reason: string }>>(
      '/v1/admin/audit/actions?limit=5',
    );
    expect(actions.items).toContainEqual(
      expect.objectContaining({
        action: 'order.replay',
        orderId: completed.id,
        replayId: result.replayId,
        reason: 'audit check',
      }),
    );
    await problem('post', `/v1/admin/orders/${randomUUID()}/replays`, 404);
    await problem('get', `/v1/admin/replays/${randomUUID()}`, 404);
  });

  it('replays an order whose stored state was changed behind the log’s back: the difference is reported', async () => {
    const orderId = await placePaidOrder();
    await orderReaches(orderId, 'completed');
    await logHas(orderId, ['order.completed']);
    await db.query(`UPDATE orders."order" SET status = 'failed', service_id = NULL WHERE id = $1`, [orderId]);
    const result = await replay(orderId);
    expect(result.matches).toBe(false);
    expect(result.differences).toEqual(
      expect.arrayContaining([
        { field: 'status', logged: 'completed', stored: 'failed' },
        { field: 'serviceId', logged: result.folded.serviceId, stored: null },
      ]),
    );
    expect(result.folded.serviceId).toEqual(expect.any(String));
  });

  it('logs a dead letter with its DLQ fields and redrives it once, recording who and why', async () => {
    const topic = `${prefix}invoice.void_requested`;
    const eventId = uuidv7();
    // A void of an invoice billing never issued: it refuses it for good and parks it at once. (A record its schema
    // refuses is dead-lettered too, but may not be redriven: test/security/dlq-redrive.e2e-spec.ts.)
    const voided = { invoiceId: randomUUID(), orderId: randomUUID(), reason: 'payment_failed' };
    const value = JSON.stringify(voided);
    await app.get(EventProducer).send([
      {
        topic,
        key: customer.accountId,
        value,
        headers: {
          ce_id: eventId,
          ce_type: 'invoice.void_requested',
          ce_specversion: '1.0',
          ce_source: 'saga',
          ce_time: new Date().toISOString(),
          ce_subject: voided.invoiceId,
          ce_version: '1',
          ce_tenantid: customer.accountId,
          ce_correlationid: eventId,
          'content-type': 'application/json',
        },
      },
    ]);
    const letter = await waitFor(async () => {
      const page = await get<Page<AuditEvent & { redriven: boolean }>>(`/v1/admin/dlq?topic=${topic}.dlq`);
      return page.items.find((i) => i.eventId === eventId);
    }, 'the dead letter in the log');
    expect(letter).toMatchObject({
      type: 'invoice.void_requested',
      topic: `${topic}.dlq`,
      tenantId: customer.accountId,
      payload: voided,
      rawValue: value,
      redriven: false,
      deadLetter: {
        attempts: 1,
        consumerGroup: 'platforma.billing',
        originalTopic: topic,
        originalPartition: expect.any(Number) as number,
        redriveCount: 0,
      },
    });
    expect(letter.deadLetter?.error).toContain(`no invoice ${voided.invoiceId}`);
    expect(letter.deadLetter?.originalOffset).toMatch(/^\d+$/);
    // The event topics and the DLQs are read by two groups of the log: the original may land after its letter.
    const original = await waitFor(async () => {
      const { records } = await get<{ eventId: string; records: AuditEvent[] }>(
        `/v1/admin/audit/events/${eventId}`,
      );
      return records.find((r) => r.deadLetter === null);
    }, 'the original record in the log');
    // Only a dead letter keeps its raw value too (a redrive sends it back byte for byte).
    expect(original).toMatchObject({
      topic,
      payload: voided,
      rawValue: null,
      offset: letter.deadLetter?.originalOffset,
    });

    expect((await problem('post', `/v1/admin/dlq/${letter.id}/redrive`, 400)).code).toBe('validation-failed');
    await problem('post', `/v1/admin/dlq/${letter.id}/redrive`, 400, { reason: 'no' });
    await problem('post', `/v1/admin/dlq/${original?.id}/redrive`, 400, { reason: 'not a dead letter' });
    await problem('post', '/v1/admin/dlq/999999999999/redrive', 404, { reason: 'unknown record' });

    const redriven = await shop.http
      .post(`/v1/admin/dlq/${letter.id}/redrive`)
      .auth(adminToken, { type: 'bearer' })
      .send({ reason: 'billing fixed; retry' })
      .expect(202);
    const { redrivenTo, actionId } = redriven.body as { redrivenTo: string; actionId: string };
    expect(redrivenTo).toBe(topic);
    const again = await problem('post', `/v1/admin/dlq/${letter.id}/redrive`, 409, { reason: 'once more' });
    expect(again.code).toBe('already-redriven');

    const reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
    const back = await waitFor(async () => {
      const all = await reader.readAll(topic);
      return all.find((r) => r.headers.ce_id === eventId && r.headers[DLQ_HEADER.redriveCount] === '1');
    }, 'the redriven record on its original topic');
    expect(back).toMatchObject({ key: customer.accountId, value });
    expect(back.headers[DLQ_HEADER.error]).toBeUndefined();

    const admin = claims(adminToken);
    const actions = await get<Page<Record<string, unknown>>>('/v1/admin/audit/actions?limit=10');
    expect(actions.items.find((a) => a.id === actionId)).toMatchObject({
      action: 'dlq.redrive',
      actor: { userId: admin.sub, tenantId: admin.tid, role: 'admin' },
      targetRecordId: letter.id,
      targetEventId: eventId,
      targetTopic: `${topic}.dlq`,
      reason: 'billing fixed; retry',
      result: 'accepted',
      detail: `redriven to ${topic}`,
    });
    expect(actions.items.find((a) => a.reason === 'once more')).toMatchObject({
      action: 'dlq.redrive',
      result: 'refused',
    });
    const rows: { actor_user_id: string; reason: string }[] = await db.query(
      `SELECT actor_user_id, reason FROM audit.admin_actions WHERE id = $1`,
      [actionId],
    );
    expect(rows).toEqual([{ actor_user_id: admin.sub, reason: 'billing fixed; retry' }]);

    // Still no such invoice: billing parks it again. The redriven copy and its new dead letter are facts of their own.
    const copies = await waitFor(async () => {
      const found = await get<{ records: AuditEvent[] }>(`/v1/admin/audit/events/${eventId}`);
      return found.records.length >= 4 ? found.records : undefined;
    }, 'the redriven copy and its dead letter in the log');
    expect(copies.map((c) => [c.topic, c.redriveCount]).sort()).toEqual(
      [
        [topic, 0],
        [topic, 1],
        [`${topic}.dlq`, 0],
        [`${topic}.dlq`, 1],
      ].sort(),
    );
    const listed = await get<Page<AuditEvent & { redriven: boolean }>>(
      `/v1/admin/dlq?topic=invoice.void_requested.dlq`,
    );
    expect(listed.items.find((i) => i.id === letter.id)?.redriven).toBe(true);
    expect(listed.items.find((i) => i.eventId === eventId && i.redriveCount === 1)?.redriven).toBe(false);
  });

  it('filters the log by type, tenant, correlation, order, topic and time, page by page', async () => {
    const tenant = customer.accountId;
    await tapCaughtUp();
    const expected: { id: string }[] = await db.query(
      `SELECT l.id::text AS id FROM audit.event_log l WHERE l.tenant_id = $1 ORDER BY l.id DESC`,
      [tenant],
    );
    expect(expected.length).toBeGreaterThan(40);
    const pageAfter = (cursor: string | null) =>
      get<Page<AuditEvent>>(
        `/v1/admin/audit/events?tenantId=${tenant}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
    let page = await pageAfter(null);
    const seen: AuditEvent[] = [...page.items];
    let pages = 1;
    while (page.nextCursor !== null && pages < 100) {
      page = await pageAfter(page.nextCursor);
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items);
      pages++;
    }
    // Rows logged after the count (late events of the tenant) may lead the first page; the rest is exact.
    const newest = BigInt(expected[0]?.id ?? '0');
    expect(seen.map((e) => e.id).filter((id) => BigInt(id) <= newest)).toEqual(expected.map((e) => e.id));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(5);
    const defaultPage = await get<Page<AuditEvent>>(`/v1/admin/audit/events?tenantId=${tenant}`);
    expect(defaultPage.items).toHaveLength(Math.min(50, expected.length));

    const created = await get<Page<AuditEvent>>(
      `/v1/admin/audit/events?tenantId=${tenant}&type=order.created`,
    );
    expect(created.items.length).toBeGreaterThanOrEqual(3);
    expect(created.items.every((e) => e.type === 'order.created' && e.tenantId === tenant)).toBe(true);
    const byTopic = await get<Page<AuditEvent>>(
      `/v1/admin/audit/events?tenantId=${tenant}&topic=order.created`,
    );
    expect(byTopic.items.map((e) => e.id)).toEqual(created.items.map((e) => e.id));

    const first = created.items.find((e) => e.orderId === completed.id);
    const correlated = await get<Page<AuditEvent>>(
      `/v1/admin/audit/events?correlationId=${first?.correlationId}&limit=200`,
    );
    expect(correlated.items.every((e) => e.correlationId === first?.correlationId)).toBe(true);
    expect(correlated.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['saga.completed', 'order.created']),
    );
    const ofOrder = await get<Page<AuditEvent>>(`/v1/admin/audit/events?orderId=${completed.id}&limit=200`);
    expect(ofOrder.items.length).toBeGreaterThan(10);
    expect(ofOrder.items.every((e) => e.orderId === completed.id)).toBe(true);

    const confirmed = ofOrder.items.find((e) => e.type === 'order.confirmed');
    const at = confirmed?.occurredAt ?? '';
    const justAfter = new Date(Date.parse(at) + 1).toISOString();
    const window = await get<Page<AuditEvent>>(
      `/v1/admin/audit/events?orderId=${completed.id}&from=${at}&to=${justAfter}&limit=200`,
    );
    expect(window.items.map((e) => e.id)).toContain(confirmed?.id);
    expect(window.items.every((e) => e.occurredAt === at)).toBe(true);
    const before = await get<Page<AuditEvent>>(
      `/v1/admin/audit/events?orderId=${completed.id}&to=${at}&limit=200`,
    );
    expect(before.items.every((e) => e.occurredAt < at)).toBe(true);
    expect(before.items.map((e) => e.type)).toContain('order.created');
    expect(before.items.map((e) => e.id)).not.toContain(confirmed?.id);

    const live = await get<Page<AuditEvent>>(
      `/v1/admin/audit/events?tenantId=${tenant}&deadLetter=false&limit=200`,
    );
    expect(live.items.every((e) => e.deadLetter === null)).toBe(true);
    const dead = await get<Page<AuditEvent>>(`/v1/admin/audit/events?tenantId=${tenant}&deadLetter=true`);
    expect(dead.items.length).toBeGreaterThan(0);
    expect(dead.items.every((e) => e.deadLetter !== null)).toBe(true);

    for (const bad of [
      'from=yesterday',
      `from=${justAfter}&to=${at}`,
      'limit=201',
      'limit=0',
      'cursor=abc',
      'tenantId=nope',
      'deadLetter=maybe',
      'type=Order%20Created',
    ]) {
      await problem('get', `/v1/admin/audit/events?${bad}`, 400);
    }
    expect((await problem('get', `/v1/admin/audit/events/${randomUUID()}`, 404)).code).toBe(
      'event-not-found',
    );
  });

  it('refuses the admin API to customers and to anonymous callers', async () => {
    const paths = [
      '/v1/admin/audit/events',
      `/v1/admin/audit/events/${randomUUID()}`,
      '/v1/admin/audit/actions',
      `/v1/admin/orders/${completed.id}/timeline`,
      `/v1/admin/replays/${randomUUID()}`,
      '/v1/admin/dlq',
      '/v1/admin/consumers/lag',
    ];
    for (const path of paths) {
      await get(path, customer.token, 403);
      await shop.http.get(path).expect(401);
    }
    await shop.http
      .post(`/v1/admin/orders/${completed.id}/replays`)
      .auth(customer.token, { type: 'bearer' })
      .send({})
      .expect(403);
    await shop.http
      .post('/v1/admin/dlq/1/redrive')
      .auth(customer.token, { type: 'bearer' })
      .send({ reason: 'let me in' })
      .expect(403);
  });

  it('reports the lag of every consumer group of the environment, the log tap included', async () => {
    const { groups } = await get<{ groups: GroupLag[] }>('/v1/admin/consumers/lag');
    expect(groups.map((g) => g.groupId).sort()).toEqual(
      [
        ...MODULES.map((m) => `${prefix}platforma.${m}`),
        `${prefix}platforma.audit.log`,
        `${prefix}platforma.audit.log.dlq`,
      ].sort(),
    );
    for (const group of groups) {
      expect(group.lag).toBe(group.topics.flatMap((t) => t.partitions).reduce((sum, p) => sum + p.lag, 0));
      for (const p of group.topics.flatMap((t) => t.partitions)) {
        expect(p.endOffset).toBeGreaterThanOrEqual(p.committedOffset ?? 0);
        expect(p.lag).toBeGreaterThanOrEqual(0);
      }
    }
    const orders = groups.find((g) => g.groupId === `${prefix}platforma.orders`);
    const received = orders?.topics.find((t) => t.topic === `${prefix}payment.received`);
    expect(received?.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(received?.partitions.some((p) => (p.committedOffset ?? 0) > 0)).toBe(true);
    // The log tap reads the event topics in one group and their DLQs in another.
    const [events, deadLetters] = auditLogGroups(prefix).map(({ groupId }) =>
      groups.find((g) => g.groupId === groupId)?.topics.map((t) => t.topic),
    );
    expect(events).toEqual(
      expect.arrayContaining([`${prefix}order.created`, `${prefix}invoice.void_requested`]),
    );
    expect(events?.some((t) => t.endsWith('.dlq'))).toBe(false);
    expect(deadLetters).toEqual(expect.arrayContaining([`${prefix}invoice.void_requested.dlq`]));
    expect(deadLetters?.every((t) => t.endsWith('.dlq'))).toBe(true);
  });

  it('keeps no secret in the log: no VPS password, API key, bearer token or sealing key', async () => {
    await tapCaughtUp();
    const rows: {
      type: string;
      payload: string | null;
      headers: string;
      raw_value: string | null;
      key: string;
    }[] = await db.query(
      `SELECT type, payload::text AS payload, headers::text AS headers, raw_value, coalesce(record_key, '') AS key
         FROM audit.event_log`,
    );
    expect(rows.map((r) => r.type)).toEqual(
      expect.arrayContaining(['provisioning.completed', 'notification.requested', 'account.created']),
    );
    expect(password.length).toBeGreaterThanOrEqual(12);
    const config = app.get(AppConfig);
    const secrets = {
      password,
      apiKey: customer.apiKey,
      apiKeySecret: customer.apiKey.split('_').slice(2).join('_'),
      customerToken: customer.token,
      adminToken,
      adminApiKey: config.BOOTSTRAP_ADMIN_API_KEY,
      secretsKey: config.SECRETS_KEY,
      secretsKeyBytes: Buffer.from(config.SECRETS_KEY, 'base64').toString('hex'),
    };
    const leaks = rows.flatMap((r) =>
      Object.entries(secrets)
        .filter(([, secret]) => secret.length >= 8)
        .filter(([, secret]) =>
          [r.payload, r.headers, r.raw_value, r.key].some((text) => text?.includes(secret)),
        )
        .map(([name]) => `${name} in ${r.type}`),
    );
    expect(leaks).toEqual([]);
  });
});
