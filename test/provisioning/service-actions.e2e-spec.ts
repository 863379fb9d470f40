import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventData, EventType } from '@app/contracts';
import { MESSAGING_SETTINGS, type MessagingSettings, RelayHostService, TopicReader } from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { type SseMessage, SseStream } from '../support/sse.js';
import { Storefront } from '../support/storefront.js';

type ActionEvent = 'service.action_requested' | 'service.action_completed' | 'service.action_failed';

interface Customer {
  accountId: string;
  token: string;
}

interface ActiveService {
  customer: Customer;
  orderId: string;
  serviceId: string;
}

interface ActionBody {
  id: string;
  serviceId: string;
  action: string;
  status: 'requested' | 'completed' | 'failed';
  failure: { reason: string; message: string | null } | null;
  requestedAt: string;
  finishedAt: string | null;
}

interface Problem {
  status: number;
  code: string;
  title: string;
}

interface Seen<T> {
  id: string;
  causation: string | undefined;
  data: T;
}

const bearer = { type: 'bearer' } as const;

// POST /v1/services/:id/actions through the whole monolith with the simulator driver: the request, provisioning's
// consumer running it, the answer on the topics, the order's history (its event stream) and the audit timeline.
describe('service actions (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('actions');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let adminToken: string;
  let planId: string;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    db = app.get(DataSource);
    shop = new Storefront(app);
    adminToken = await shop.adminToken();
    planId = (await shop.publishPlan(adminToken)).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  /** A new customer's order, paid and delivered: its service is active. */
  const activeService = async (): Promise<ActiveService> => {
    const customer = await shop.customer();
    const orderId = await shop.paidOrder(customer.token, planId);
    const order = await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/orders/${orderId}`).auth(customer.token, bearer);
        const body = r.body as { status: string; serviceId: string | null };
        return body.status === 'completed' && body.serviceId ? body : undefined;
      },
      `order ${orderId} completed`,
      40_000,
    );
    return { customer, orderId, serviceId: order.serviceId ?? '' };
  };

  const post = (s: ActiveService, body: object, token = s.customer.token) =>
    shop.http.post(`/v1/services/${s.serviceId}/actions`).auth(token, bearer).send(body);

  /** Requests the action (202 and where to read it) and waits until provisioning answered it. */
  const act = async (s: ActiveService, action: string): Promise<ActionBody> => {
    const accepted = await post(s, { action }).expect(202);
    const requested = accepted.body as ActionBody;
    expect(accepted.headers.location).toBe(`/v1/services/${s.serviceId}/actions/${requested.id}`);
    expect(requested).toMatchObject({
      serviceId: s.serviceId,
      action,
      status: 'requested',
      finishedAt: null,
    });
    return answered(s, requested.id);
  };

  const answered = (s: ActiveService, actionId: string): Promise<ActionBody> =>
    waitFor(async () => {
      const r = await shop.http
        .get(`/v1/services/${s.serviceId}/actions/${actionId}`)
        .auth(s.customer.token, bearer);
      const body = r.body as ActionBody;
      return body.status === 'requested' ? undefined : body;
    }, `action ${actionId} answered`);

  const eventsOn = async <T extends ActionEvent>(
    type: T,
    actionId: string,
  ): Promise<Seen<EventData<T>>[]> => {
    const reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
    const records = await reader.readAll(`${prefix}${type}`);
    return records
      .map((r) => ({
        id: r.headers.ce_id ?? '',
        causation: r.headers.ce_causationid,
        data: JSON.parse(r.value ?? 'null') as EventData<T>,
      }))
      .filter((e) => e.data.actionId === actionId);
  };

  const onTopic = <T extends ActionEvent>(type: T, actionId: string): Promise<Seen<EventData<T>>> =>
    waitFor(
      async () => (await eventsOn(type, actionId))[0],
      `${type} of ${actionId} on its topic`,
      30_000,
      250,
    );

  /** The order's event stream from the start, to its end. */
  const orderStream = async (s: ActiveService): Promise<SseMessage[]> => {
    const stream = await SseStream.open(`${baseUrl}/v1/orders/${s.orderId}/events`, s.customer.token);
    expect(stream.status).toBe(200);
    return stream.untilEnd();
  };

  const actionLines = (messages: SseMessage[]) =>
    messages
      .filter((m) => m.event === 'action')
      .map((m) => JSON.parse(m.data) as { actionId: string; action: string; outcome: string });

  it('runs reboot, power off and power on: 202, then completed; the event pair on the topics; the order shows each', async () => {
    const s = await activeService();
    for (const action of ['power_off', 'power_on', 'reboot']) {
      const done = await act(s, action);
      expect(done).toMatchObject({
        action,
        status: 'completed',
        failure: null,
        finishedAt: expect.any(String) as string,
      });

      const requested = await onTopic('service.action_requested', done.id);
      const completed = await onTopic('service.action_completed', done.id);
      const pair = {
        actionId: done.id,
        serviceId: s.serviceId,
        accountId: s.customer.accountId,
        orderId: s.orderId,
        action,
        requestedBy: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      };
      expect(requested.data).toEqual(pair);
      expect(completed.data).toEqual({ ...pair, credentialsSecretId: null });
      expect(completed.causation).toBe(requested.id);
      expect(await eventsOn('service.action_failed', done.id)).toEqual([]);
    }

    const list = await shop.http.get(`/v1/services/${s.serviceId}/actions`).auth(s.customer.token, bearer);
    expect(list.status).toBe(200);
    const items = (list.body as { items: ActionBody[] }).items;
    expect(items.map((a) => [a.action, a.status])).toEqual([
      ['reboot', 'completed'],
      ['power_on', 'completed'],
      ['power_off', 'completed'],
    ]);
    const page = await shop.http
      .get(`/v1/services/${s.serviceId}/actions?limit=1`)
      .auth(s.customer.token, bearer);
    expect(page.body).toMatchObject({ items: [{ id: items[0]?.id }], nextCursor: items[0]?.id });

    // The order is over, but its history goes on with its service: each action, requested then completed.
    const lines = await waitFor(async () => {
      const seen = actionLines(await orderStream(s));
      return seen.length === 6 ? seen : undefined;
    }, 'six action lines in the order stream');
    for (const item of items) {
      expect(lines.filter((l) => l.actionId === item.id).map((l) => [l.action, l.outcome])).toEqual([
        [item.action, 'requested'],
        [item.action, 'completed'],
      ]);
    }

    // The admin viewer's timeline of the order, folded from the event log.
    const timeline = await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/admin/orders/${s.orderId}/timeline`).auth(adminToken, bearer);
        const entries = (r.body as { entries?: { type: string; label: string }[] }).entries ?? [];
        const ours = entries.filter((e) => e.type.startsWith('service.action_'));
        return ours.length === 6 ? ours : undefined;
      },
      "the actions in the order's audit timeline",
      40_000,
      500,
    );
    expect(timeline.map((e) => e.label)).toEqual(
      expect.arrayContaining([
        `customer action reboot requested on service ${s.serviceId}`,
        'customer action reboot completed',
        'customer action power_off completed',
      ]),
    );
  });

  it('reinstalls: completed with new credentials, retrievable once, and never a password in the events', async () => {
    const s = await activeService();
    const credentials = `/v1/services/${s.serviceId}/credentials`;
    const initial = await shop.http.post(credentials).auth(s.customer.token, bearer).expect(200);
    await shop.http.post(credentials).auth(s.customer.token, bearer).expect(410);

    const done = await act(s, 'reinstall');
    expect(done.status).toBe('completed');
    const completed = await onTopic('service.action_completed', done.id);
    const secretId = completed.data.credentialsSecretId;
    expect(secretId).toMatch(/^[0-9a-f-]{36}$/);
    const sealed: unknown[] = await db.query(
      'SELECT 1 FROM provisioning.secret WHERE id = $1 AND service_id = $2',
      [secretId, s.serviceId],
    );
    expect(sealed).toHaveLength(1);

    const view = await shop.http
      .get(`/v1/services/${s.serviceId}`)
      .auth(s.customer.token, bearer)
      .expect(200);
    expect(view.body).toMatchObject({ state: 'active', credentialsRetrievable: true });
    const renewed = await shop.http.post(credentials).auth(s.customer.token, bearer).expect(200);
    const { username, password } = renewed.body as { username: string; password: string };
    expect(username).toBe('root');
    expect(password).toMatch(/^[A-Za-z0-9\-_.@%+]{24}$/);
    expect(password).not.toBe((initial.body as { password: string }).password);
    const again = await shop.http.post(credentials).auth(s.customer.token, bearer).expect(410);
    expect((again.body as Problem).code).toBe('credentials-already-retrieved');

    const requested = await onTopic('service.action_requested', done.id);
    expect(JSON.stringify([requested, completed])).not.toContain(password);
    const lines = actionLines(await orderStream(s)).filter((l) => l.actionId === done.id);
    expect(lines).toEqual([
      expect.objectContaining({ action: 'reinstall', outcome: 'requested' }),
      expect.objectContaining({ action: 'reinstall', outcome: 'completed', credentialsRenewed: true }),
    ]);
  });

  it("refuses another tenant's service with 404, and reads only its own actions", async () => {
    const s = await activeService();
    const done = await act(s, 'reboot');
    const other = await shop.customer();
    const refused = await post(s, { action: 'reboot' }, other.token).expect(404);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((refused.body as Problem).code).toBe('service-not-found');
    const hidden = await shop.http
      .get(`/v1/services/${s.serviceId}/actions/${done.id}`)
      .auth(other.token, bearer)
      .expect(404);
    expect((hidden.body as Problem).code).toBe('service-action-not-found');
    await shop.http.get(`/v1/services/${s.serviceId}/actions`).auth(other.token, bearer).expect(404);
    await shop.http
      .get(`/v1/services/${s.serviceId}/actions/${randomUUID()}`)
      .auth(s.customer.token, bearer)
      .expect(404);
    await shop.http.post(`/v1/services/${s.serviceId}/actions`).send({ action: 'reboot' }).expect(401);
  });

  it('refuses a suspended service with 409 problem+json; a request it finds suspended when it runs fails', async () => {
    const s = await activeService();
    await billingPublishes(s, 'service.suspend_requested', {
      serviceId: s.serviceId,
      accountId: s.customer.accountId,
      subscriptionId: randomUUID(),
      sequence: 1_000_000,
      reason: 'non_payment',
      requestedBy: null,
      note: null,
    });
    await waitFor(async () => {
      const r = await shop.http.get(`/v1/services/${s.serviceId}`).auth(s.customer.token, bearer);
      return (r.body as { state: string }).state === 'suspended' ? true : undefined;
    }, 'the service suspended');

    const refused = await post(s, { action: 'power_on' }).expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      status: 409,
      code: 'service-suspended',
      type: 'https://platforma.dev/problems/service-suspended',
    });
    expect(
      await db.query('SELECT 1 FROM provisioning.service_action WHERE service_id = $1', [s.serviceId]),
    ).toEqual([]);

    // Suspended between the request and its run: recorded and announced as requested, answered as failed.
    const actionId = await requestedBehindTheApi(s, 'reboot');
    const failed = await answered(s, actionId);
    expect(failed).toMatchObject({
      status: 'failed',
      failure: { reason: 'service_suspended', message: expect.stringMatching(/suspended/) as string },
    });
    const event = await onTopic('service.action_failed', actionId);
    expect(event.data).toMatchObject({ actionId, action: 'reboot', reason: 'service_suspended' });
    expect(await eventsOn('service.action_completed', actionId)).toEqual([]);
  });

  it('refuses an unknown or missing action with a 400 problem', async () => {
    const s = await activeService();
    for (const body of [{ action: 'format_disk' }, {}, { action: 'reboot', force: true }]) {
      const r = await post(s, body).expect(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((r.body as Problem).code).toBe('validation-failed');
    }
    await shop.http
      .post('/v1/services/not-a-uuid/actions')
      .auth(s.customer.token, bearer)
      .send({ action: 'reboot' })
      .expect(400);
  });

  it('accepts one of two concurrent requests (202) and refuses the other while it runs (409)', async () => {
    const s = await activeService();
    const responses = await Promise.all([post(s, { action: 'reboot' }), post(s, { action: 'power_off' })]);
    expect(responses.map((r) => r.status).sort()).toEqual([202, 409]);
    const refused = responses.find((r) => r.status === 409);
    expect((refused?.body as Problem).code).toBe('service-action-in-progress');
    const accepted = responses.find((r) => r.status === 202)?.body as ActionBody;
    expect((await answered(s, accepted.id)).status).toBe('completed');
    // Once it is answered, the service takes the next one.
    expect((await act(s, 'reboot')).status).toBe('completed');
  });

  it('fails an action nobody answered within ten minutes (dead-lettered) as timed_out, and takes the next one', async () => {
    const s = await activeService();
    const first = (await post(s, { action: 'reboot' }).expect(202)).body as ActionBody;
    await answered(s, first.id);
    // What a request whose event was dead-lettered leaves behind: a requested action nobody runs.
    const staleId = uuidv7();
    await db.query(
      `INSERT INTO provisioning.service_action (id, tenant_id, service_id, action, status, requested_by, requested_at)
       SELECT $1, tenant_id, service_id, 'power_off', 'requested', requested_by, now() - interval '11 minutes'
       FROM provisioning.service_action WHERE id = $2`,
      [staleId, first.id],
    );
    expect((await act(s, 'reboot')).status).toBe('completed');
    const stale = (
      await shop.http
        .get(`/v1/services/${s.serviceId}/actions/${staleId}`)
        .auth(s.customer.token, bearer)
        .expect(200)
    ).body as ActionBody;
    expect(stale).toMatchObject({ status: 'failed', failure: { reason: 'timed_out' } });
    expect((await onTopic('service.action_failed', staleId)).data).toMatchObject({
      action: 'power_off',
      reason: 'timed_out',
    });
  });

  it('answers a repeated Idempotency-Key with the same action, and refuses it for another request', async () => {
    const s = await activeService();
    const key = `act-${randomUUID()}`;
    const first = await post(s, { action: 'reboot' }).set('Idempotency-Key', key).expect(202);
    expect(first.headers['idempotent-replayed']).toBe('false');
    const id = (first.body as ActionBody).id;
    const again = await post(s, { action: 'reboot' }).set('Idempotency-Key', key).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect((again.body as ActionBody).id).toBe(id);
    const reused = await post(s, { action: 'power_off' }).set('Idempotency-Key', key).expect(409);
    expect((reused.body as Problem).code).toBe('idempotency-key-reused');
    await post(s, { action: 'reboot' }).set('Idempotency-Key', 'bad key').expect(400);
    await answered(s, id);
    const rows: unknown[] = await db.query(
      'SELECT 1 FROM provisioning.service_action WHERE service_id = $1',
      [s.serviceId],
    );
    expect(rows).toHaveLength(1);
  });

  /** Stands in for billing: its commands go out through billing's own outbox. */
  async function billingPublishes<T extends EventType>(s: ActiveService, type: T, data: EventData<T>) {
    await app
      .get(RelayHostService)
      .outboxOf('billing')
      .transaction((uow) =>
        uow.publish(type, data, { tenantId: s.customer.accountId, subject: s.serviceId }),
      );
  }

  /**
   * An action recorded and announced as the API does, without its state check: as if the service changed between
   * the request's commit and its run.
   */
  async function requestedBehindTheApi(s: ActiveService, action: 'reboot'): Promise<string> {
    const actionId = randomUUID();
    await app
      .get(RelayHostService)
      .outboxOf('provisioning')
      .transaction(async (uow) => {
        await uow.manager.query(
          `INSERT INTO provisioning.service_action (id, tenant_id, service_id, action, status, requested_by)
           VALUES ($1, $2, $3, $4, 'requested', $5)`,
          [actionId, s.customer.accountId, s.serviceId, action, s.customer.accountId],
        );
        await uow.publish(
          'service.action_requested',
          {
            actionId,
            serviceId: s.serviceId,
            accountId: s.customer.accountId,
            orderId: s.orderId,
            action,
            requestedBy: s.customer.accountId,
          },
          { tenantId: s.customer.accountId, subject: s.serviceId },
        );
      });
    return actionId;
  }
});
