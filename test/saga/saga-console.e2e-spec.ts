import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { eventDefinition, exampleEvent, versionsOf } from '@app/contracts';
import { encodeEnvelope, EventProducer } from '@app/messaging';
import { formatReport } from '@app/reconcile';
import { type LoggedEvent, orderEvents } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { startMonolith } from '../support/monolith.js';
import { waitFor } from '../support/processes.js';
import { settledReconciliation } from '../support/reconcile.js';
import { Storefront } from '../support/storefront.js';

interface SagaView {
  sagaId: string;
  orderId: string;
  tenantId: string;
  status: string;
  step: string;
  stuck: boolean;
  deadlineAt: string | null;
  timer: { kind: string; at: string } | null;
  failure: { step: string; reason: string; message: string } | null;
  data: { serviceId?: string; invoiceId?: string };
}
interface HistoryRow {
  id: string;
  kind: string;
  statusBefore: string | null;
  statusAfter: string;
  stepBefore: string | null;
  stepAfter: string;
  causeEventId: string | null;
  causeType: string | null;
  detail: Record<string, unknown>;
}
interface Page {
  items: SagaView[];
  nextCursor: string | null;
}

/**
 * Long enough that no timer fires on its own during the suite: a saga is made stuck by moving its last progress
 * back (the clock the test controls), and its timer is fired by the operator.
 */
const PAYMENT_WINDOW_SECONDS = 3600;

describe('saga console (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('sagacon');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;
  let admin: string;

  beforeAll(async () => {
    ({ app, db, shop, admin, planId } = await startMonolith(prefix, {
      KAFKA_TOPIC_PARTITIONS: '2',
      // Builds take minutes, so a paid order's saga stays at its provision step for the suite.
      PROVISIONING_SIMULATOR_STEP_MS: '120000',
      PAYMENT_WINDOW_SECONDS: String(PAYMENT_WINDOW_SECONDS),
    }));
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  /** Orders whose saga an operator terminated: they stay where they stood, on purpose, until cleaned up by hand. */
  const terminatedOrders: string[] = [];

  const sagaAt = (orderId: string, step: string, status = 'running') =>
    waitFor(async () => {
      const rows: { status: string; step: string }[] = await db.query(
        'SELECT status, step FROM saga.instance WHERE order_id = $1',
        [orderId],
      );
      return rows[0]?.status === status && rows[0].step === step ? true : undefined;
    }, `the saga of ${orderId} ${status} at ${step}`);

  async function unpaidOrder(token: string): Promise<string> {
    const placed = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    await sagaAt(orderId, 'payment');
    return orderId;
  }

  async function buildingOrder(token: string): Promise<string> {
    const orderId = await shop.paidOrder(token, planId);
    await sagaAt(orderId, 'provision');
    return orderId;
  }

  const list = async (query: string): Promise<Page> =>
    (await shop.http.get(`/v1/admin/sagas?${query}`).auth(admin, { type: 'bearer' }).expect(200))
      .body as Page;

  const saga = async (orderId: string) =>
    (await shop.http.get(`/v1/admin/sagas/${orderId}`).auth(admin, { type: 'bearer' }).expect(200))
      .body as SagaView & {
      history: HistoryRow[];
    };

  const act = (orderId: string, action: string, reason = `console test: ${action}`) =>
    shop.http
      .post(`/v1/admin/sagas/${orderId}/actions`)
      .auth(admin, { type: 'bearer' })
      .send({ action, reason });

  const orderStatus = (token: string, orderId: string, status: string) =>
    waitFor(async () => {
      const r = await shop.http.get(`/v1/orders/${orderId}`).auth(token, { type: 'bearer' });
      return (r.body as { status: string }).status === status ? true : undefined;
    }, `order ${orderId} ${status}`);

  const sagaEnds = (orderId: string, status: 'completed' | 'failed') =>
    waitFor(async () => {
      const view = await saga(orderId);
      return view.status === status ? view : undefined;
    }, `the saga of ${orderId} ${status}`);

  const operatorEvents = async (orderId: string) =>
    (await orderEvents(db, orderId)).filter((e) => e.type === 'saga.operator_action');

  const causedBy = (log: LoggedEvent[], cause: LoggedEvent) => log.filter((e) => e.causationId === cause.id);

  it('lists this environment’s sagas newest first, by status, step, tenant and age, in cursor pages; admins only', async () => {
    const alice = await shop.customer();
    const bob = await shop.customer();
    const unpaid = await unpaidOrder(alice.token);
    const building = await buildingOrder(bob.token);

    await shop.http.get('/v1/admin/sagas').auth(alice.token, { type: 'bearer' }).expect(403);
    await shop.http.get(`/v1/admin/sagas/${unpaid}`).auth(alice.token, { type: 'bearer' }).expect(403);
    await shop.http
      .post(`/v1/admin/sagas/${unpaid}/actions`)
      .auth(alice.token, { type: 'bearer' })
      .send({ action: 'compensate', reason: 'not mine to do' })
      .expect(403);

    const atPayment = await list('status=running&step=payment&limit=100');
    expect(atPayment.items.map((s) => s.orderId)).toContain(unpaid);
    expect(atPayment.items.map((s) => s.orderId)).not.toContain(building);
    expect(atPayment.items.every((s) => s.status === 'running' && s.step === 'payment')).toBe(true);
    const atProvision = await list('step=provision&limit=100');
    expect(atProvision.items.map((s) => s.orderId)).toContain(building);
    expect(atProvision.items.map((s) => s.orderId)).not.toContain(unpaid);

    const aliceSaga = await saga(unpaid);
    expect(aliceSaga).toMatchObject({ orderId: unpaid, status: 'running', step: 'payment', stuck: false });
    expect(aliceSaga.timer?.kind).toBe('payment_deadline');
    const byTenant = await list(`tenantId=${aliceSaga.tenantId}`);
    expect(byTenant.items.map((s) => s.orderId)).toEqual([unpaid]);
    expect((await list('olderThan=3600&limit=100')).items.map((s) => s.orderId)).not.toContain(unpaid);
    expect((await list('stuck=true&limit=100')).items.map((s) => s.orderId)).not.toContain(unpaid);

    // Pages: disjoint, newest first, the last one without a cursor.
    const first = await list('limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBe(first.items[0].sagaId);
    const second = await list(`limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0].sagaId < first.items[0].sagaId).toBe(true);
    const all = await list('limit=100');
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((s) => s.sagaId)).toEqual([...all.items.map((s) => s.sagaId)].sort().reverse());

    const bad = await shop.http
      .get('/v1/admin/sagas?status=sleeping')
      .auth(admin, { type: 'bearer' })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const unknown = await shop.http
      .get(`/v1/admin/sagas/${uuidv7()}`)
      .auth(admin, { type: 'bearer' })
      .expect(404);
    expect(unknown.body).toMatchObject({ code: 'saga-not-found' });
  });

  it('finds a saga stuck in payment, fires its timer now (the order is cancelled), and tells it in history and events', async () => {
    const { token } = await shop.customer();
    const orderId = await unpaidOrder(token);
    // No progress for longer than the payment window (and its timer, for whatever reason, not fired).
    await db.query(
      `UPDATE saga.instance SET updated_at = now() - make_interval(secs => $2) WHERE order_id = $1`,
      [orderId, PAYMENT_WINDOW_SECONDS + 60],
    );
    const stuck = await list('stuck=true&limit=100');
    const found = stuck.items.find((s) => s.orderId === orderId);
    expect(found).toMatchObject({ stuck: true, status: 'running', step: 'payment' });
    expect(new Date(found?.deadlineAt ?? '').getTime()).toBeLessThan(Date.now());

    const fired = await act(orderId, 'fire_timer', 'the customer asked us to close it now').expect(202);
    expect(fired.body).toMatchObject({
      orderId,
      action: 'fire_timer',
      outcome: 'applied',
      verdict: 'compensate',
      status: 'compensating',
      published: ['saga.compensating', 'invoice.void_requested'],
    });
    await orderStatus(token, orderId, 'cancelled');
    const closed = await sagaEnds(orderId, 'failed');
    expect(closed.failure).toMatchObject({ reason: 'payment_timeout' });
    expect(closed.timer).toBeNull();
    expect((await list('stuck=true&limit=100')).items.map((s) => s.orderId)).not.toContain(orderId);

    // History: the start, its timer, the operator's action with the timer it fired and the compensation it began,
    // then the answers that closed it — each with what caused it.
    const history = closed.history;
    // Oldest first by number, not by the text of the id (the suite's database starts its ids at 1, so 9 < 10 shows).
    const ids = history.map((h) => BigInt(h.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const kinds = history.map((h) => h.kind);
    expect(kinds.slice(0, 2)).toEqual(['decision', 'timer_set']);
    expect(history[0]).toMatchObject({
      statusBefore: null,
      statusAfter: 'running',
      causeType: 'order.created',
    });
    const at = kinds.indexOf('operator');
    expect(kinds.slice(at, at + 3)).toEqual(['operator', 'timer_fired', 'compensation']);
    const operator = history[at];
    expect(operator).toMatchObject({
      statusBefore: 'running',
      stepBefore: 'payment',
      statusAfter: 'compensating',
      causeType: 'saga.operator_action',
      detail: { action: 'fire_timer', reason: 'the customer asked us to close it now', outcome: 'applied' },
    });
    expect(history[at + 1]).toMatchObject({ detail: { timer: 'payment_deadline' } });
    expect(history[at + 2].detail).toMatchObject({ verdict: 'compensate', reason: 'payment_timeout' });
    expect(history.at(-1)).toMatchObject({ statusBefore: 'compensating', statusAfter: 'failed' });
    expect(history.map((h) => h.causeType)).toEqual(
      expect.arrayContaining(['invoice.voided', 'order.cancelled']),
    );

    // The event: published through the outbox, the cause of what the action published.
    const log = await orderEvents(db, orderId);
    const actions = log.filter((e) => e.type === 'saga.operator_action');
    expect(actions).toHaveLength(1);
    expect(actions[0].id).toBe(operator.causeEventId);
    expect(actions[0].id).toBe((fired.body as { eventId: string }).eventId);
    expect(actions[0].data).toMatchObject({
      orderId,
      action: 'fire_timer',
      outcome: 'applied',
      refusal: null,
      status: 'compensating',
      step: 'payment',
      actor: (operator.detail.actor as { userId: string }).userId,
    });
    expect(
      causedBy(log, actions[0])
        .map((e) => e.type)
        .sort(),
    ).toEqual(['invoice.void_requested', 'saga.compensating']);

    // A failed saga allows nothing; each refusal is still an admin action, in history and as an event.
    for (const action of ['retry_step', 'fire_timer', 'compensate', 'terminate']) {
      const refused = await act(orderId, action).expect(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 409, code: 'saga-closed' });
      expect((refused.body as { detail: string }).detail).toMatch(/failed/);
    }
    const after = await saga(orderId);
    expect(after.history.filter((h) => h.kind === 'operator').map((h) => h.detail.outcome)).toEqual([
      'applied',
      'refused',
      'refused',
      'refused',
      'refused',
    ]);
    const refusals = (await operatorEvents(orderId)).filter((e) => e.data.outcome === 'refused');
    expect(refusals.map((e) => [e.data.action, e.data.refusal, e.data.status])).toEqual([
      ['retry_step', 'saga_closed', 'failed'],
      ['fire_timer', 'saga_closed', 'failed'],
      ['compensate', 'saga_closed', 'failed'],
      ['terminate', 'saga_closed', 'failed'],
    ]);

    // The operators' trail beside redrives and replays: audit records each act from its event, with who and why.
    const trail = await waitFor(async () => {
      const page = (
        await shop.http.get('/v1/admin/audit/actions?limit=200').auth(admin, { type: 'bearer' }).expect(200)
      ).body as {
        items: { action: string; orderId: string | null; result: string; reason: string; actor: object }[];
      };
      const mine = page.items.filter((a) => a.orderId === orderId);
      return mine.length === 5 ? mine.reverse() : undefined;
    }, `the operators' trail of ${orderId}`);
    expect(trail.map((a) => [a.action, a.result])).toEqual([
      ['saga.fire_timer', 'accepted'],
      ['saga.retry_step', 'refused'],
      ['saga.fire_timer', 'refused'],
      ['saga.compensate', 'refused'],
      ['saga.terminate', 'refused'],
    ]);
    expect(trail[0]).toMatchObject({
      reason: 'the customer asked us to close it now',
      actor: { ...(operator.detail.actor as { userId: string; tenantId: string }), role: 'admin' },
    });
  });

  it('retries a building saga’s step, then compensates it: release, refund, cancel', async () => {
    const { token } = await shop.customer();
    const orderId = await buildingOrder(token);
    const { invoiceId } = (await saga(orderId)).data;

    const retried = await act(orderId, 'retry_step', 'the build looks stuck').expect(202);
    expect(retried.body).toMatchObject({
      verdict: 'act',
      status: 'running',
      published: ['provisioning.requested'],
    });

    const compensated = await act(orderId, 'compensate', 'the customer called: refund and cancel').expect(
      202,
    );
    expect(compensated.body).toMatchObject({
      verdict: 'compensate',
      status: 'compensating',
      published: ['saga.compensating', 'provisioning.release_requested'],
    });
    await orderStatus(token, orderId, 'cancelled');
    const closed = await sagaEnds(orderId, 'failed');
    expect(closed.failure).toEqual({
      step: 'provision',
      reason: 'operator_compensated',
      message: 'the customer called: refund and cancel',
    });
    const invoice = await shop.http
      .get(`/v1/invoices/${invoiceId}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(invoice.body).toMatchObject({ status: 'voided' });

    const log = await orderEvents(db, orderId);
    const types = log.map((e) => e.type);
    for (const type of [
      'provisioning.release_requested',
      'provisioning.released',
      'invoice.void_requested',
      'payment.refunded',
      'invoice.voided',
      'order.cancel_requested',
      'order.cancelled',
      'saga.failed',
    ]) {
      expect(types).toContain(type);
    }
    expect(log.filter((e) => e.type === 'provisioning.requested')).toHaveLength(2);
    const [retryEvent, compensateEvent] = await operatorEvents(orderId);
    expect([retryEvent.data.action, compensateEvent.data.action]).toEqual(['retry_step', 'compensate']);
    expect(causedBy(log, retryEvent).map((e) => e.type)).toEqual(['provisioning.requested']);
    expect(
      causedBy(log, compensateEvent)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['provisioning.release_requested', 'saga.compensating']);

    const kinds = closed.history.map((h) => h.kind);
    const firstOperator = kinds.indexOf('operator');
    expect(kinds.slice(firstOperator, firstOperator + 5)).toEqual([
      'operator',
      'retry',
      'timer_set',
      'operator',
      'compensation',
    ]);
    // The answers follow, each with its cause: the release, the void (which refunded), the cancel.
    const answers = closed.history.slice(firstOperator + 5).map((h) => h.causeType);
    expect(answers).toEqual(
      expect.arrayContaining(['provisioning.released', 'invoice.voided', 'order.cancelled']),
    );
    expect(closed.history.at(-1)).toMatchObject({ statusAfter: 'failed', causeType: 'order.cancelled' });
  });

  it('refuses what a saga’s state does not allow, naming why', async () => {
    const { token } = await shop.customer();
    const unpaid = await unpaidOrder(token);
    const nothing = await act(unpaid, 'retry_step').expect(409);
    expect(nothing.body).toMatchObject({ code: 'saga-nothing-to-retry' });
    expect((nothing.body as { detail: string }).detail).toMatch(/payment/);

    // A saga that completed: its build reported done (the simulator would take minutes).
    const done = await buildingOrder(token);
    const serviceId = (await saga(done)).data.serviceId ?? '';
    const definition = eventDefinition('provisioning.completed');
    await app.get(EventProducer).send([
      {
        topic: `${prefix}provisioning.completed`,
        ...encodeEnvelope({
          id: uuidv7(),
          type: 'provisioning.completed',
          specversion: '1.0',
          source: 'provisioning',
          time: new Date().toISOString(),
          subject: serviceId,
          version: versionsOf(definition).at(-1)?.version ?? 1,
          tenantid: (await saga(done)).tenantId,
          correlationid: uuidv7(),
          data: exampleEvent('provisioning.completed', { serviceId, orderId: done }),
        } as never),
      },
    ]);
    await sagaEnds(done, 'completed');
    const completed = await act(done, 'compensate', 'refund please').expect(409);
    expect(completed.body).toMatchObject({ code: 'saga-completed' });
    expect((completed.body as { detail: string }).detail).toMatch(/completed/);

    const invalid = await act(unpaid, 'reboot').expect(400);
    expect(invalid.headers['content-type']).toMatch(/^application\/problem\+json/);
    await shop.http
      .post(`/v1/admin/sagas/${unpaid}/actions`)
      .auth(admin, { type: 'bearer' })
      .send({ action: 'terminate' })
      .expect(400);

    // Terminated: stopped where it stood, nothing undone, and nothing allowed afterwards.
    const terminated = await act(unpaid, 'terminate', 'fraud: stop everything').expect(202);
    terminatedOrders.push(unpaid);
    expect(terminated.body).toMatchObject({ status: 'failed', published: ['saga.failed'] });
    const view = await saga(unpaid);
    expect(view).toMatchObject({
      status: 'failed',
      timer: null,
      failure: { step: 'payment', reason: 'operator_terminated', message: 'fraud: stop everything' },
    });
    const failed = (await orderEvents(db, unpaid)).find((e) => e.type === 'saga.failed');
    expect(failed?.data).toMatchObject({ reason: 'operator_terminated', compensated: false });
    const closed = await act(unpaid, 'fire_timer').expect(409);
    expect(closed.body).toMatchObject({ code: 'saga-closed' });
    expect((closed.body as { detail: string }).detail).toMatch(/terminated/);
  });

  it('two operators acting at once: one wins, the other is refused on the state the first left', async () => {
    const { token } = await shop.customer();
    const timers = await unpaidOrder(token);
    const building = await buildingOrder(token);

    const [a, b] = await Promise.all([act(timers, 'fire_timer'), act(timers, 'fire_timer')]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const loser = a.status === 409 ? a : b;
    // The winner disarmed the timer (and the compensation may even have closed the saga by then).
    expect(['saga-no-timer', 'saga-closed']).toContain((loser.body as { code: string }).code);

    const [c, d] = await Promise.all([
      act(building, 'compensate', 'operator one'),
      act(building, 'compensate', 'operator two'),
    ]);
    expect([c.status, d.status].sort()).toEqual([202, 409]);
    expect(['saga-already-compensating', 'saga-closed']).toContain(
      ((c.status === 409 ? c : d).body as { code: string }).code,
    );

    for (const orderId of [timers, building]) {
      await sagaEnds(orderId, 'failed');
      const outcomes = (await operatorEvents(orderId)).map((e) => e.data.outcome).sort();
      expect(outcomes).toEqual(['applied', 'refused']);
      const log = await orderEvents(db, orderId);
      expect(log.filter((e) => e.type === 'saga.compensating')).toHaveLength(1);
      expect(log.filter((e) => e.type === 'order.cancelled')).toHaveLength(1);
      const history = (await saga(orderId)).history;
      expect(history.filter((h) => h.kind === 'compensation')).toHaveLength(1);
      expect(history.filter((h) => h.kind === 'operator').map((h) => h.detail.outcome)).toEqual([
        'applied',
        'refused',
      ]);
    }
  });

  it('afterwards the reconciler finds nothing but what a termination leaves on purpose', async () => {
    // No grace period: wait for what is still settling (audit catching up, answers in flight), judge the last.
    const report = await settledReconciliation(prefix, {
      accept: (r) => r.lost === 0 && r.duplicated === 0 && r.moneyMismatches === 0 && r.disagreements <= 1,
    });
    const findings = report.findings.filter((f) => f.count > 0);
    if (findings.some((f) => f.check !== 'orders disagreeing with their saga or events')) {
      console.error(formatReport(report));
    }
    expect(terminatedOrders).toHaveLength(1);
    // The terminated order still waits for payment while its saga failed: the one disagreement, named.
    expect(findings.map((f) => [f.check, f.count])).toEqual([
      ['orders disagreeing with their saga or events', 1],
    ]);
    expect(findings[0].samples.join()).toContain(terminatedOrders[0]);
  });
});
