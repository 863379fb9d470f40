import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions, NotificationListener } from '@app/database';
import type { AppConfig } from '@app/platform';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';
import { WEBHOOK_ENDPOINTS_CHANNEL, WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookRepository } from './webhook.repository.js';

// The process's index of tenants' webhook subscriptions, on the real PostgreSQL with the migrations' trigger: it
// answers from memory once it has read a tenant, forgets at the NOTIFY of any change, and reads the table whenever
// its LISTEN session is away. Every case uses tenants of its own.

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma';
const TYPES = ['order.created', 'order.completed', 'invoice.paid'];

describe(WebhookSubscriptionsService.name, () => {
  const admin = new pg.Pool({ connectionString: base, max: 4 });
  const db = new DataSource({
    ...dataSourceOptions({ url: base, poolSize: 4, logging: false }),
    entities: [WebhookEndpoint, WebhookDelivery, WebhookDeliveryAttempt],
  });
  const repository = new WebhookRepository(db);
  const services: WebhookSubscriptionsService[] = [];

  /**
   * Resolves at the next wake-up of the listener's subscribers on the channel that `matches`. Subscribers are woken
   * one after the other in one go, so the service has had it too, and every notification before it (commit order).
   */
  const woken = (url: string, matches: (payload?: string) => boolean): Promise<void> =>
    new Promise((resolve) => {
      const unsubscribe = NotificationListener.of(url).subscribe(WEBHOOK_ENDPOINTS_CHANNEL, (payload) => {
        if (matches(payload)) {
          void unsubscribe();
          resolve();
        }
      });
    });
  /** The wake-up of a session that (re)started listening: no payload. */
  const listening = (url: string) => woken(url, (payload) => payload === undefined);

  /**
   * A service on a listener of its own (its application_name tells its session apart), started unless told not;
   * `ready` once its session listens.
   */
  const service = (start = true) => {
    const session = `subs_${randomUUID().slice(0, 8)}`;
    const url = `${base}${base.includes('?') ? '&' : '?'}application_name=${session}`;
    const subscriptions = new WebhookSubscriptionsService(repository, { DATABASE_URL: url } as AppConfig);
    services.push(subscriptions);
    const ready = start ? listening(url) : Promise.resolve();
    if (start) {
      subscriptions.onApplicationBootstrap();
    }
    return { subscriptions, session, url, ready };
  };
  /** Runs the change and resolves once the tenant's NOTIFY has been passed on. */
  const announced = async (url: string, tenantId: string, change: () => Promise<unknown>): Promise<void> => {
    const heard = woken(url, (payload) => payload === tenantId);
    await change();
    await heard;
  };

  /** An endpoint of the tenant; `silently`: with triggers off, so no process hears of it. */
  const createEndpoint = async (tenantId: string, events: string[], silently = false): Promise<string> => {
    const id = randomUUID();
    const client = await admin.connect();
    try {
      await client.query('BEGIN');
      if (silently) {
        await client.query(`SET LOCAL session_replication_role = replica`);
      }
      await client.query(
        `INSERT INTO notifications.webhook_endpoints
           (id, tenant_id, url, events, status, secret_iv, secret_tag, secret_ciphertext, secret_rotated_at)
         VALUES ($1, $2, 'https://example.test/hook', $3, 'active', $4, $4, $4, now())`,
        [id, tenantId, events, randomBytes(12)],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return id;
  };
  const setStatus = (id: string, status: 'active' | 'disabled' | 'deleted') =>
    admin.query('UPDATE notifications.webhook_endpoints SET status = $2 WHERE id = $1', [id, status]);

  beforeAll(async () => {
    await db.initialize();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.onModuleDestroy()));
    await db.destroy();
    await admin.end();
  });

  it('reads a tenant once, answers from memory after, and forgets it at the commit of a change', async () => {
    const { subscriptions, url, ready } = service();
    await ready;
    const tenant = randomUUID();
    const known = (type: string) => subscriptions.anySubscribed(db.manager, tenant, type);
    expect(await known('order.created')).toBe(false);
    expect(subscriptions.size).toBe(1);

    // Behind its back (no trigger): the remembered answer stands, so it did not read again.
    const id = await createEndpoint(tenant, ['order.created'], true);
    expect(await repository.anySubscribed(db.manager, tenant, 'order.created')).toBe(true);
    expect(await known('order.created')).toBe(false);

    // Any change announced by the trigger makes it read the tenant again.
    await announced(url, tenant, () =>
      admin.query('UPDATE notifications.webhook_endpoints SET events = events WHERE id = $1', [id]),
    );
    expect(await known('order.created')).toBe(true);
    expect(await known('invoice.paid')).toBe(false);

    await announced(url, tenant, () => setStatus(id, 'disabled'));
    expect(await known('order.created')).toBe(false);

    let all = '';
    await announced(url, tenant, async () => (all = await createEndpoint(tenant, ['*'])));
    expect(await known('invoice.paid')).toBe(true);
    await announced(url, tenant, () => setStatus(all, 'deleted'));
    expect(await known('invoice.paid')).toBe(false);
  });

  it('forgets only the tenant whose endpoints changed', async () => {
    const { subscriptions, url, ready } = service();
    await ready;
    const [quiet, changed] = [randomUUID(), randomUUID()];
    expect(await subscriptions.anySubscribed(db.manager, quiet, 'order.created')).toBe(false);
    expect(await subscriptions.anySubscribed(db.manager, changed, 'order.created')).toBe(false);
    await createEndpoint(quiet, ['order.created'], true);
    await announced(url, changed, () => createEndpoint(changed, ['order.created']));
    expect(await subscriptions.anySubscribed(db.manager, changed, 'order.created')).toBe(true);
    // The quiet tenant was not announced: still remembered as it was.
    expect(await subscriptions.anySubscribed(db.manager, quiet, 'order.created')).toBe(false);
  });

  it('reads the table while its LISTEN session is away, and forgets everything when it is back', async () => {
    const { subscriptions, session, url } = service(false);
    const tenant = randomUUID();
    // Not started: nothing is listened for, so nothing is remembered.
    expect(await subscriptions.anySubscribed(db.manager, tenant, 'order.created')).toBe(false);
    await createEndpoint(tenant, ['order.created'], true);
    expect(await subscriptions.anySubscribed(db.manager, tenant, 'order.created')).toBe(true);
    expect(subscriptions.size).toBe(0);

    const started = listening(url);
    subscriptions.onApplicationBootstrap();
    await started;
    const other = randomUUID();
    expect(await subscriptions.anySubscribed(db.manager, other, 'order.created')).toBe(false);
    expect(subscriptions.size).toBe(1);

    // A change never announced (as one committed while the session is away would be): once the session has been
    // lost and is back, it is seen.
    await createEndpoint(other, ['order.created'], true);
    expect(await subscriptions.anySubscribed(db.manager, other, 'order.created')).toBe(false);
    const back = listening(url);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      session,
    ]);
    await back;
    expect(await subscriptions.anySubscribed(db.manager, other, 'order.created')).toBe(true);

    await subscriptions.onModuleDestroy();
    expect(subscriptions.size).toBe(0);
  });

  it('agrees with the table once the notifications are in, whatever reads and changes overlapped', async () => {
    const { subscriptions, url, ready } = service();
    await ready;
    // Tenants and endpoints of the run: each starts from tenants the index has never read.
    let tenants: string[] = [];
    let endpoints: string[] = [];
    const TENANTS = 3;
    /** Resolves once the listener has passed on a NOTIFY sent after every change so far (commit order). */
    const settled = async (): Promise<void> => {
      const mark = `mark-${randomUUID()}`;
      await announced(url, mark, () =>
        admin.query('SELECT pg_notify($1, $2)', [WEBHOOK_ENDPOINTS_CHANNEL, mark]),
      );
    };
    /**
     * A read on the real database whose answer is held until released: its snapshot is taken before the changes that
     * commit meanwhile. `queried` settles once the answer is in hand (or at once if the index never asks).
     */
    const heldRead = (tenant: string, type: string) => {
      let release!: () => void;
      let queried!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const asked = new Promise<void>((resolve) => (queried = resolve));
      const reader = Object.create(db.manager, {
        query: {
          value: async (sql: string, parameters?: unknown[]) => {
            const rows: unknown = await db.manager.query(sql, parameters);
            queried();
            await released;
            return rows;
          },
        },
      }) as EntityManager;
      const answer = subscriptions.anySubscribed(reader, tenant, type);
      return { answer, release, ready: Promise.race([asked, answer.then(() => undefined)]) };
    };
    const applyChange = async (c: Change): Promise<void> => {
      if (c.kind === 'create') {
        endpoints.push(await createEndpoint(tenants[c.tenant], c.events));
      } else if (endpoints.length > 0) {
        await setStatus(endpoints[c.endpoint % endpoints.length], c.status);
      }
    };
    const change = fc.oneof(
      fc.record({
        kind: fc.constant('create' as const),
        tenant: fc.nat(TENANTS - 1),
        events: fc.oneof(fc.subarray(TYPES, { minLength: 1 }), fc.constant<string[]>(['*'])),
      }),
      fc.record({
        kind: fc.constant('status' as const),
        endpoint: fc.nat(),
        status: fc.constantFrom('active' as const, 'disabled' as const, 'deleted' as const),
      }),
    );
    type Change = typeof change extends fc.Arbitrary<infer C> ? C : never;
    const step = fc.record({
      changes: fc.array(change, { maxLength: 3 }),
      // Each read answers before the changes commit, after they commit, or after their NOTIFYs are in.
      reads: fc.array(
        fc.record({
          tenant: fc.nat(TENANTS - 1),
          type: fc.constantFrom(...TYPES),
          answers: fc.constantFrom('before' as const, 'committed' as const, 'announced' as const),
        }),
        { maxLength: 6 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        tenants = Array.from({ length: TENANTS }, () => randomUUID());
        endpoints = [];
        for (const { changes, reads } of steps) {
          const held = reads.map((r) => ({ ...r, ...heldRead(tenants[r.tenant], r.type) }));
          await Promise.all(held.map((h) => h.ready));
          const release = async (when: (typeof reads)[number]['answers']) => {
            const now = held.filter((h) => h.answers === when);
            now.forEach((h) => h.release());
            await Promise.all(now.map((h) => h.answer));
          };
          await release('before');
          await Promise.all(changes.map(applyChange));
          await release('committed');
          await settled();
          await release('announced');
        }
        await settled();
        for (const tenant of tenants) {
          for (const type of TYPES) {
            const truth = await repository.anySubscribed(db.manager, tenant, type);
            expect({
              tenant,
              type,
              known: await subscriptions.anySubscribed(db.manager, tenant, type),
            }).toEqual({
              tenant,
              type,
              known: truth,
            });
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
