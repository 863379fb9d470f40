import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type EventData, type EventEnvelope, SOURCE_MODULES } from '@app/contracts';
import {
  DLQ_HEADER,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  type ReadRecord,
  RelayHostService,
  TopicAdminService,
  TopicReader,
} from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix, useOwnDatabase } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

const STEPS = ['allocating', 'creating_disk', 'installing_image', 'configuring_network', 'booting'];

type SagaCommand = 'provisioning.requested' | 'provisioning.release_requested';
type ProvisioningEvent =
  | 'provisioning.started'
  | 'provisioning.progress'
  | 'provisioning.completed'
  | 'provisioning.failed'
  | 'provisioning.released';

interface Seen<T> {
  id: string;
  time: string;
  /** When the relay handed the record to the broker. */
  sentAt: number;
  key: string | null;
  tenant: string;
  correlation: string;
  causation: string | undefined;
  data: T;
}

interface Problem {
  status: number;
  code: string;
}

interface ServiceBody {
  id: string;
  state: string;
  attempt: number;
  addresses: { ipv4: string | null; ipv6: string | null };
  failure: { step: string; reason: string; retryable: boolean } | null;
  credentialsRetrievable: boolean;
}

const bearer = { type: 'bearer' } as const;

function requestData(
  tenantId: string,
  overrides: Partial<EventData<'provisioning.requested'>> = {},
): EventData<'provisioning.requested'> {
  return {
    serviceId: randomUUID(),
    orderId: randomUUID(),
    accountId: tenantId,
    planId: randomUUID(),
    region: 'eu-central-1',
    image: 'ubuntu-24.04',
    hostname: `web-${randomUUID().slice(0, 8)}.example.com`,
    resources: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
    ...overrides,
  };
}

/** Stands in for the order saga: its commands go out through the saga's own outbox, keyed by the tenant. */
function sagaPublishes<T extends SagaCommand>(
  app: INestApplication,
  tenantId: string,
  type: T,
  data: EventData<T>,
): Promise<EventEnvelope<T>> {
  return app
    .get(RelayHostService)
    .outboxOf('saga')
    .transaction((uow) => uow.publish(type, data, { tenantId, subject: data.serviceId }));
}

function readerOf(app: INestApplication): TopicReader {
  return new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
}

function decode<T>(record: ReadRecord): Seen<T> {
  const h = record.headers;
  return {
    id: h.ce_id ?? '',
    time: h.ce_time ?? '',
    sentAt: Number(record.timestamp),
    key: record.key,
    tenant: h.ce_tenantid ?? '',
    correlation: h.ce_correlationid ?? '',
    causation: h.ce_causationid,
    data: JSON.parse(record.value ?? 'null') as T,
  };
}

async function eventsOn<T extends ProvisioningEvent | SagaCommand>(
  app: INestApplication,
  prefix: string,
  type: T,
  serviceId: string,
): Promise<Seen<EventData<T>>[]> {
  const records = await readerOf(app).readAll(`${prefix}${type}`);
  return records.filter((r) => r.headers.ce_subject === serviceId).map((r) => decode<EventData<T>>(r));
}

function awaitEvents<T extends ProvisioningEvent>(
  app: INestApplication,
  prefix: string,
  type: T,
  serviceId: string,
  count: number,
): Promise<Seen<EventData<T>>[]> {
  return waitFor(
    async () => {
      const seen = await eventsOn(app, prefix, type, serviceId);
      return seen.length >= count ? seen : undefined;
    },
    `${count} × ${type} of ${serviceId}`,
    30_000,
    250,
  );
}

/** What provisioning committed to its outbox: exact, unlike the topic, which the relay fills a moment later. */
async function outboxCount(db: DataSource, prefix: string, type: string, serviceId: string): Promise<number> {
  const rows: { n: string }[] = await db.query(
    `SELECT count(*) AS n FROM provisioning.outbox
     WHERE topic = $1 AND headers ->> 'ce_subject' = $2`,
    [prefix + type, serviceId],
  );
  return Number(rows[0]?.n);
}

function handled(db: DataSource, eventId: string): Promise<true> {
  return waitFor(async () => {
    const rows: unknown[] = await db.query('SELECT 1 FROM provisioning.inbox WHERE event_id = $1', [eventId]);
    return rows.length > 0 ? true : undefined;
  }, `provisioning to handle event ${eventId}`);
}

async function serviceState(
  db: DataSource,
  id: string,
): Promise<{ state: string; attempt: number } | undefined> {
  const rows: { state: string; attempt: number }[] = await db.query(
    'SELECT state, attempt FROM provisioning.service WHERE id = $1',
    [id],
  );
  return rows[0];
}

async function startApp(prefix: string, stepMs: number, logLevel?: string): Promise<INestApplication> {
  const app = await createPlatformApp(MONOLITH, {
    ...process.env,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    PROVISIONING_SIMULATOR_STEP_MS: String(stepMs),
    ...(logLevel ? { LOG_LEVEL: logLevel } : {}),
  });
  await app.init();
  return app;
}

/**
 * Keeps everything the process logs, for the secret scan. Shown are only warnings and errors (Nest writes those to
 * stdout and stderr alike), so the suite's verbose logging stays out of the test output.
 */
function captureLogs(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const intercept =
    (write: (...args: unknown[]) => boolean) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      chunks.push(text);
      return /\b(WARN|ERROR|FATAL)\b/.test(text) || write === err ? write(chunk, ...rest) : true;
    };
  process.stdout.write = intercept(out as (...args: unknown[]) => boolean);
  process.stderr.write = intercept(err as (...args: unknown[]) => boolean);
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}

describe('provisioning (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('prov');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    app = await startApp(prefix, 0, 'verbose');
    db = app.get(DataSource);
    shop = new Storefront(app);
    // The suite's topics are brand new: one build end to end first, so the broker serves them all before the tests
    // look at delivery order.
    const { accountId } = await shop.customer();
    const warmUp = requestData(accountId);
    await request(accountId, warmUp);
    await awaitEvents(app, prefix, 'provisioning.completed', warmUp.serviceId, 1);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    logs.restore();
  });

  const request = (tenantId: string, data: EventData<'provisioning.requested'>) =>
    sagaPublishes(app, tenantId, 'provisioning.requested', data);

  it('builds a requested VPS: started, five progress events and completed reach the topics in order', async () => {
    const { accountId, token } = await shop.customer();
    const data = requestData(accountId);
    const requested = await request(accountId, data);

    const [completed] = await awaitEvents(app, prefix, 'provisioning.completed', data.serviceId, 1);
    const started = await awaitEvents(app, prefix, 'provisioning.started', data.serviceId, 1);
    const progress = await awaitEvents(app, prefix, 'provisioning.progress', data.serviceId, 5);
    expect(started.map((e) => e.data)).toEqual([
      {
        serviceId: data.serviceId,
        orderId: data.orderId,
        region: 'eu-central-1',
        node: 'sim-eu-central-1-1',
      },
    ]);
    expect(progress.map((e) => e.data.step)).toEqual(STEPS);
    const percents = progress.map((e) => e.data.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBe(5);
    expect(completed?.data).toEqual({
      serviceId: data.serviceId,
      orderId: data.orderId,
      hostname: data.hostname,
      ipv4: expect.stringMatching(/^203\.0\.113\.\d{1,3}$/) as string,
      ipv6: expect.stringMatching(/^2001:db8::/) as string,
      username: 'root',
      credentialsSecretId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
    });

    // Created in this order (one process: UUIDv7 ids and times follow the commits) and sent in this order.
    const flow = [...started, ...progress, ...(completed ? [completed] : [])];
    expect(flow).toHaveLength(7);
    expect(flow.map((e) => e.id)).toEqual(flow.map((e) => e.id).sort());
    expect(flow.map((e) => e.time)).toEqual(flow.map((e) => e.time).sort());
    expect(flow.map((e) => e.sentAt)).toEqual(flow.map((e) => e.sentAt).sort((a, b) => a - b));
    for (const event of flow) {
      expect(event).toMatchObject({
        key: accountId,
        tenant: accountId,
        correlation: requested.correlationid,
        causation: requested.id,
      });
    }

    const list = await shop.http.get('/v1/services').auth(token, bearer).expect(200);
    expect(list.body).toEqual({
      items: [
        expect.objectContaining({
          id: data.serviceId,
          state: 'active',
          addresses: { ipv4: completed?.data.ipv4, ipv6: completed?.data.ipv6 },
          credentialsRetrievable: true,
        }),
      ],
      nextCursor: null,
    });
    const shown = await shop.http.get(`/v1/services/${data.serviceId}`).auth(token, bearer).expect(200);
    expect(shown.body).toMatchObject({
      id: data.serviceId,
      orderId: data.orderId,
      planId: data.planId,
      state: 'active',
      hostname: data.hostname,
      region: 'eu-central-1',
      progress: null,
      failure: null,
      attempt: 1,
      provisionedAt: expect.any(String) as string,
    });
    expect(JSON.stringify(shown.body)).not.toMatch(/password|credentialsSecretId/i);

    const other = await shop.customer();
    const hidden = await shop.http
      .get(`/v1/services/${data.serviceId}`)
      .auth(other.token, bearer)
      .expect(404);
    expect(hidden.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((hidden.body as Problem).code).toBe('service-not-found');
    await shop.http.post(`/v1/services/${data.serviceId}/credentials`).auth(other.token, bearer).expect(404);
    const otherList = await shop.http.get('/v1/services').auth(other.token, bearer).expect(200);
    expect(otherList.body).toEqual({ items: [], nextCursor: null });
  });

  it('lists services newest first and filters them by status', async () => {
    const { accountId, token } = await shop.customer();
    const good = requestData(accountId);
    const bad = requestData(accountId, { hostname: `fail-${randomUUID().slice(0, 8)}.example.com` });
    await request(accountId, good);
    await awaitEvents(app, prefix, 'provisioning.completed', good.serviceId, 1);
    await request(accountId, bad);
    await awaitEvents(app, prefix, 'provisioning.failed', bad.serviceId, 1);

    const all = await shop.http.get('/v1/services').auth(token, bearer).expect(200);
    expect((all.body as { items: ServiceBody[] }).items.map((s) => [s.id, s.state])).toEqual([
      [bad.serviceId, 'failed'],
      [good.serviceId, 'active'],
    ]);
    const page = await shop.http.get('/v1/services?limit=1').auth(token, bearer).expect(200);
    expect(page.body).toMatchObject({ items: [{ id: bad.serviceId }], nextCursor: bad.serviceId });
    const next = await shop.http
      .get(`/v1/services?limit=1&cursor=${bad.serviceId}`)
      .auth(token, bearer)
      .expect(200);
    expect(next.body).toMatchObject({ items: [{ id: good.serviceId }], nextCursor: null });
    const active = await shop.http.get('/v1/services?status=active').auth(token, bearer).expect(200);
    expect((active.body as { items: ServiceBody[] }).items.map((s) => s.id)).toEqual([good.serviceId]);
    await shop.http.get('/v1/services?status=bogus').auth(token, bearer).expect(400);
    await shop.http.get('/v1/services/not-a-uuid').auth(token, bearer).expect(400);
  });

  it('hands out the root credentials once, then 410; the password is in no table, outbox, topic or log', async () => {
    const { accountId, token } = await shop.customer();
    const data = requestData(accountId);
    await request(accountId, data);
    const [completed] = await awaitEvents(app, prefix, 'provisioning.completed', data.serviceId, 1);
    const secretId = completed?.data.credentialsSecretId ?? '';
    const sealed: { iv: Buffer; tag: Buffer }[] = await db.query(
      'SELECT iv, tag FROM provisioning.secret WHERE id = $1 AND service_id = $2',
      [secretId, data.serviceId],
    );
    expect(sealed.map((s) => [s.iv.length, s.tag.length])).toEqual([[12, 16]]);
    // The sealed row is deleted on retrieval: keep what the tables held while it existed, to scan it too.
    const atRestBefore = await provisioningRows(db);

    const first = await shop.http
      .post(`/v1/services/${data.serviceId}/credentials`)
      .auth(token, bearer)
      .expect(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const { username, password } = first.body as { username: string; password: string };
    expect(username).toBe('root');
    expect(password).toMatch(/^[A-Za-z0-9\-_.@%+]{24}$/);

    const second = await shop.http
      .post(`/v1/services/${data.serviceId}/credentials`)
      .auth(token, bearer)
      .expect(410);
    expect(second.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((second.body as Problem).code).toBe('credentials-already-retrieved');
    expect(JSON.stringify(second.body)).not.toContain(password);
    const left: unknown[] = await db.query('SELECT 1 FROM provisioning.secret WHERE service_id = $1', [
      data.serviceId,
    ]);
    expect(left).toEqual([]);
    const shown = await shop.http.get(`/v1/services/${data.serviceId}`).auth(token, bearer).expect(200);
    expect((shown.body as ServiceBody).credentialsRetrievable).toBe(false);

    const atRest = atRestBefore + (await provisioningRows(db));
    const outboxes = await outboxRows(db, prefix);
    const topics = await provisioningTopicsText(app, prefix);
    // The scan does see what it scans: the service's own facts are there.
    expect(atRest).toContain(data.hostname);
    expect(outboxes).toContain(secretId);
    expect(topics).toContain(secretId);
    const encodings = [
      password,
      Buffer.from(password).toString('hex'),
      Buffer.from(password).toString('base64'),
    ];
    for (const [where, text] of Object.entries({ atRest, outboxes, topics, logs: logs.text() })) {
      for (const encoding of encodings) {
        expect({ where, leaked: text.includes(encoding) }).toEqual({ where, leaked: false });
      }
    }
  });

  it('fails a fail- hostname at installing_image, not retryable, and does not rebuild it on a new request', async () => {
    const { accountId, token } = await shop.customer();
    const data = requestData(accountId, { hostname: `fail-${randomUUID().slice(0, 8)}.example.com` });
    await request(accountId, data);
    const [failed] = await awaitEvents(app, prefix, 'provisioning.failed', data.serviceId, 1);
    expect(failed?.data).toEqual({
      serviceId: data.serviceId,
      orderId: data.orderId,
      step: 'installing_image',
      reason: 'image_install_failed',
      message: expect.any(String) as string,
      retryable: false,
    });
    const progress = await awaitEvents(app, prefix, 'provisioning.progress', data.serviceId, 3);
    expect(progress.map((e) => e.data.step)).toEqual(['allocating', 'creating_disk', 'installing_image']);
    const shown = await shop.http.get(`/v1/services/${data.serviceId}`).auth(token, bearer).expect(200);
    expect(shown.body).toMatchObject({
      state: 'failed',
      addresses: { ipv4: null, ipv6: null },
      failure: { step: 'installing_image', reason: 'image_install_failed', retryable: false },
    });
    const noCredentials = await shop.http
      .post(`/v1/services/${data.serviceId}/credentials`)
      .auth(token, bearer)
      .expect(409);
    expect((noCredentials.body as Problem).code).toBe('credentials-not-available');

    const again = await request(accountId, data);
    await handled(db, again.id);
    expect(await serviceState(db, data.serviceId)).toEqual({ state: 'failed', attempt: 1 });
    expect(await outboxCount(db, prefix, 'provisioning.started', data.serviceId)).toBe(1);
    expect(await outboxCount(db, prefix, 'provisioning.completed', data.serviceId)).toBe(0);
  });

  it('fails a flaky- hostname retryably at booting, and builds it when the same service is requested again', async () => {
    const { accountId, token } = await shop.customer();
    const data = requestData(accountId, { hostname: `flaky-${randomUUID().slice(0, 8)}.example.com` });
    await request(accountId, data);
    const [failed] = await awaitEvents(app, prefix, 'provisioning.failed', data.serviceId, 1);
    expect(failed?.data).toMatchObject({ step: 'booting', reason: 'boot_timeout', retryable: true });
    const failedView = await shop.http.get(`/v1/services/${data.serviceId}`).auth(token, bearer).expect(200);
    expect(failedView.body).toMatchObject({ state: 'failed', failure: { retryable: true } });

    await request(accountId, data);
    const [completed] = await awaitEvents(app, prefix, 'provisioning.completed', data.serviceId, 1);
    expect(completed?.data.serviceId).toBe(data.serviceId);
    expect(await awaitEvents(app, prefix, 'provisioning.started', data.serviceId, 2)).toHaveLength(2);
    const progress = await awaitEvents(app, prefix, 'provisioning.progress', data.serviceId, 10);
    expect(progress.map((e) => e.data.step)).toEqual([...STEPS, ...STEPS]);
    expect(await outboxCount(db, prefix, 'provisioning.failed', data.serviceId)).toBe(1);
    const shown = await shop.http.get(`/v1/services/${data.serviceId}`).auth(token, bearer).expect(200);
    expect(shown.body).toMatchObject({ state: 'active', attempt: 2, failure: null });
    const jobs: { attempt: number; status: string }[] = await db.query(
      'SELECT attempt, status FROM provisioning.build_job WHERE service_id = $1 ORDER BY attempt',
      [data.serviceId],
    );
    expect(jobs).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'succeeded' },
    ]);
  });

  it('fails a nocap- hostname at allocating on every attempt, each time retryably', async () => {
    const { accountId } = await shop.customer();
    const data = requestData(accountId, { hostname: `nocap-${randomUUID().slice(0, 8)}.example.com` });
    await request(accountId, data);
    await awaitEvents(app, prefix, 'provisioning.failed', data.serviceId, 1);
    await request(accountId, data);
    const failures = await awaitEvents(app, prefix, 'provisioning.failed', data.serviceId, 2);
    for (const failure of failures) {
      expect(failure.data).toMatchObject({ step: 'allocating', reason: 'no_capacity', retryable: true });
    }
    expect(await serviceState(db, data.serviceId)).toEqual({ state: 'failed', attempt: 2 });
  });

  it('creates one service and one provisioning.started when the same request is delivered twice', async () => {
    const { accountId } = await shop.customer();
    const data = requestData(accountId);
    const first = await request(accountId, data);
    // The very same record again (same event id), as a producer retry or a DLQ redrive would deliver it.
    const [row] = await db.query<
      { topic: string; key: string; headers: Record<string, string>; payload: string }[]
    >('SELECT topic, key, headers, payload FROM saga.outbox WHERE event_id = $1', [first.id]);
    if (!row) {
      throw new Error('the request is not in the saga outbox');
    }
    await app
      .get(RelayHostService)
      .outboxOf('saga')
      .transaction((uow) => uow.publishRaw(row.topic, row.key, row.headers, row.payload));
    // And the saga asking again (a new event) while the service is being built or already runs.
    const repeat = await request(accountId, data);
    // Same tenant, same partition, published after them: once it is handled, so are the two before it.
    const marker = await request(accountId, requestData(accountId));
    await handled(db, marker.id);
    await handled(db, repeat.id);
    await awaitEvents(app, prefix, 'provisioning.completed', data.serviceId, 1);
    // And once more when it is certainly active.
    const afterwards = await request(accountId, data);
    await handled(db, afterwards.id);

    const delivered = await eventsOn(app, prefix, 'provisioning.requested', data.serviceId);
    expect(delivered.map((e) => e.id)).toEqual([first.id, first.id, repeat.id, afterwards.id]);
    const services: unknown[] = await db.query('SELECT 1 FROM provisioning.service WHERE id = $1', [
      data.serviceId,
    ]);
    expect(services).toHaveLength(1);
    const jobs: unknown[] = await db.query('SELECT 1 FROM provisioning.build_job WHERE service_id = $1', [
      data.serviceId,
    ]);
    expect(jobs).toHaveLength(1);
    expect(await outboxCount(db, prefix, 'provisioning.started', data.serviceId)).toBe(1);
    expect(await awaitEvents(app, prefix, 'provisioning.started', data.serviceId, 1)).toHaveLength(1);
  });

  it('releases a service once when asked twice, and answers the release of a service it never built', async () => {
    const { accountId, token } = await shop.customer();
    const data = requestData(accountId);
    await request(accountId, data);
    await awaitEvents(app, prefix, 'provisioning.completed', data.serviceId, 1);

    const release = { serviceId: data.serviceId, orderId: data.orderId, reason: 'compensation' as const };
    await sagaPublishes(app, accountId, 'provisioning.release_requested', release);
    const second = await sagaPublishes(app, accountId, 'provisioning.release_requested', release);
    await handled(db, second.id);
    const [released] = await awaitEvents(app, prefix, 'provisioning.released', data.serviceId, 1);
    expect(released?.data).toEqual(release);
    expect(await outboxCount(db, prefix, 'provisioning.released', data.serviceId)).toBe(1);
    const shown = await shop.http.get(`/v1/services/${data.serviceId}`).auth(token, bearer).expect(200);
    expect(shown.body).toMatchObject({
      state: 'released',
      addresses: { ipv4: null, ipv6: null },
      releasedAt: expect.any(String) as string,
    });
    const secrets: unknown[] = await db.query('SELECT 1 FROM provisioning.secret WHERE service_id = $1', [
      data.serviceId,
    ]);
    expect(secrets).toEqual([]);
    await shop.http.post(`/v1/services/${data.serviceId}/credentials`).auth(token, bearer).expect(409);

    const ghost = requestData(accountId);
    const ghostRelease = {
      serviceId: ghost.serviceId,
      orderId: ghost.orderId,
      reason: 'termination' as const,
    };
    await sagaPublishes(app, accountId, 'provisioning.release_requested', ghostRelease);
    const [ghostReleased] = await awaitEvents(app, prefix, 'provisioning.released', ghost.serviceId, 1);
    expect(ghostReleased?.data).toEqual(ghostRelease);
    // Its provisioning.requested arriving late must not build a machine the saga already gave up on.
    const late = await request(accountId, ghost);
    await handled(db, late.id);
    expect(await serviceState(db, ghost.serviceId)).toBeUndefined();
    expect(await outboxCount(db, prefix, 'provisioning.started', ghost.serviceId)).toBe(0);
  });

  it('dead-letters a request whose accountId is not the tenant it was published for', async () => {
    const a = await shop.customer();
    const b = await shop.customer();
    const data = requestData(a.accountId);
    const misrouted = await request(b.accountId, data);
    const dead = await waitFor(
      async () => {
        const records = await readerOf(app).readAll(`${prefix}provisioning.requested.dlq`);
        return records.find((r) => r.headers.ce_id === misrouted.id);
      },
      'the misrouted request in the DLQ',
      30_000,
      250,
    );
    expect(dead.headers[DLQ_HEADER.error]).toMatch(/is not the event's tenant/);
    expect(dead.headers[DLQ_HEADER.attempts]).toBe('1');
    expect(await serviceState(db, data.serviceId)).toBeUndefined();
  });
});

describe('provisioning builds across a restart', () => {
  const prefix = uniquePrefix('prov-restart');
  const STEP_MS = 400;
  let app: INestApplication | undefined;
  let db: DataSource;

  beforeAll(async () => {
    db = new DataSource({ type: 'postgres', url: useOwnDatabase() });
    await db.initialize();
  });

  afterAll(async () => {
    if (app) {
      await closeIsolatedApp(app, prefix);
    }
    await db.destroy();
  });

  const job = async (serviceId: string): Promise<{ status: string; step: string } | undefined> => {
    const rows: { status: string; step: string }[] = await db.query(
      'SELECT status, step FROM provisioning.build_job WHERE service_id = $1',
      [serviceId],
    );
    return rows[0];
  };

  it('resumes a build interrupted by a shutdown from its recorded step, with no second started', async () => {
    const first = await startApp(prefix, STEP_MS);
    app = first;
    const { accountId } = await new Storefront(first).customer();
    const data = requestData(accountId);
    await sagaPublishes(first, accountId, 'provisioning.requested', data);
    await waitFor(async () => {
      const current = await job(data.serviceId);
      return current && current.step !== 'allocating' ? current : undefined;
    }, 'the build to pass its first step');
    app = undefined;
    await first.close();

    const interrupted = await job(data.serviceId);
    expect(interrupted?.status).toBe('running');
    expect(interrupted?.step).not.toBe('allocating');
    expect(await serviceState(db, data.serviceId)).toEqual({ state: 'provisioning', attempt: 1 });

    const second = await startApp(prefix, STEP_MS);
    app = second;
    await awaitEvents(second, prefix, 'provisioning.completed', data.serviceId, 1);
    expect(await serviceState(db, data.serviceId)).toEqual({ state: 'active', attempt: 1 });
    expect(await job(data.serviceId)).toMatchObject({ status: 'succeeded' });
    // Each step announced once across both processes: the restart re-ran a step, it did not restart the build.
    expect(await outboxCount(db, prefix, 'provisioning.started', data.serviceId)).toBe(1);
    expect(await outboxCount(db, prefix, 'provisioning.progress', data.serviceId)).toBe(5);
    expect(await awaitEvents(second, prefix, 'provisioning.started', data.serviceId, 1)).toHaveLength(1);
    const progress = await awaitEvents(second, prefix, 'provisioning.progress', data.serviceId, 5);
    expect(progress.map((e) => e.data.step)).toEqual(STEPS);
  }, 120_000);

  it('cancels a build in progress when the service is released', async () => {
    const running = app ?? (await startApp(prefix, STEP_MS));
    app = running;
    const { accountId } = await new Storefront(running).customer();
    const data = requestData(accountId);
    await sagaPublishes(running, accountId, 'provisioning.requested', data);
    await waitFor(async () => (await job(data.serviceId))?.status, 'the build to start');
    await sagaPublishes(running, accountId, 'provisioning.release_requested', {
      serviceId: data.serviceId,
      orderId: data.orderId,
      reason: 'compensation',
    });
    await awaitEvents(running, prefix, 'provisioning.released', data.serviceId, 1);
    expect(await job(data.serviceId)).toMatchObject({ status: 'cancelled' });
    // Longer than the rest of the build would have taken.
    await new Promise((resolve) => setTimeout(resolve, STEP_MS * 6));
    expect(await serviceState(db, data.serviceId)).toEqual({ state: 'released', attempt: 1 });
    expect(await outboxCount(db, prefix, 'provisioning.completed', data.serviceId)).toBe(0);
  }, 120_000);
});

async function provisioningRows(db: DataSource): Promise<string> {
  const tables: { table_name: string }[] = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'provisioning' AND table_type = 'BASE TABLE'`,
  );
  const texts: string[] = [];
  for (const { table_name } of tables) {
    const rows: { row: string }[] = await db.query(
      `SELECT t::text AS row FROM provisioning."${table_name}" t`,
    );
    texts.push(...rows.map((r) => r.row));
  }
  return texts.join('\n');
}

async function outboxRows(db: DataSource, prefix: string): Promise<string> {
  const texts: string[] = [];
  for (const schema of SOURCE_MODULES) {
    const rows: { row: string }[] = await db.query(
      `SELECT o::text AS row FROM "${schema}".outbox o WHERE starts_with(o.topic, $1)`,
      [prefix],
    );
    texts.push(...rows.map((r) => r.row));
  }
  return texts.join('\n');
}

async function provisioningTopicsText(app: INestApplication, prefix: string): Promise<string> {
  const topics = app
    .get(TopicAdminService)
    .catalogTopics()
    .filter((t) => t.startsWith(`${prefix}provisioning.`));
  const reader = readerOf(app);
  const texts: string[] = [];
  for (const topic of topics) {
    for (const record of await reader.readAll(topic)) {
      texts.push(JSON.stringify(record.headers), record.key ?? '', record.value ?? '');
    }
  }
  return texts.join('\n');
}
