import type { INestApplication } from '@nestjs/common';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import { formatReport } from '@app/reconcile';
import { type LoggedEvent, orderEvents } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { startMonolith } from '../support/monolith.js';
import { waitFor } from '../support/processes.js';
import { settledReconciliation } from '../support/reconcile.js';
import { Storefront } from '../support/storefront.js';

// Concurrent HTTP requests against the monolith on the real broker and database (design of issue 16): billing
// serializes captures, declines and voids of an invoice on its row, orders owns the order's status, the saga
// orchestrates. Every scenario runs several rounds, and all scenarios' orders are in flight together; each test
// then checks its rounds' answers and end states, and the last one runs the reconciler over the whole environment.

/*
 * Small enough that the timer scenario ends soon, large enough that on a loaded two-core machine the other
 * scenarios pay (three declines one after the other, or a decline, its mail, then a good card) inside the window.
 */
const PAYMENT_WINDOW_SECONDS = 10;
const PAYMENT_MAX_DECLINES = 3;
const ROUNDS = 3;
/**
 * When the cancel is sent, per round: with the payment, or (still while the payment request runs) once the order got
 * that far. Sent together, the cancel nearly always reaches orders before it learns of the payment; the later moments
 * make the race land on the other side too (a cancel refused after the payment, a cancel during provisioning or
 * during the saga's own compensation after the build failed).
 */
const CANCEL_AND_PAY_MOMENTS = ['at once', 'at once', 'payment.received', 'order.confirmed'];
const CANCEL_PROVISIONING_MOMENTS = ['at once', 'at once', 'provisioning.requested', 'provisioning.failed'];
/** How long one order may take to reach its end state while every scenario's orders are in flight. */
const SETTLE_MS = 90_000;
const POLL_MS = 250;
const TEST_MS = 150_000;

const TERMINAL_ORDERS = ['completed', 'cancelled', 'failed'];
const TERMINAL_SAGAS = ['completed', 'failed'];
const ONCE_ONLY = ['order.cancelled', 'order.completed', 'saga.completed', 'saga.failed', 'invoice.voided'];
const PROBLEM = /^application\/problem\+json/;

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

interface Payment {
  id: string;
  status: 'captured' | 'failed' | 'refunded';
}

interface Invoice {
  id: string;
  status: 'open' | 'paid' | 'voided';
  totalMinor: number;
  payments?: Payment[];
}

interface SagaRow {
  status: string;
  step: string;
  compensations: string[];
  failure: { step: string; reason: string; message: string } | null;
  data: { declines?: number; requested?: string[]; done?: string[]; refunded?: boolean };
}

/** One order of a scenario: who placed it, and what the concurrent requests answered. */
interface Round {
  /** When the racing request was sent, where a scenario varies it. */
  moment?: string;
  token: string;
  orderId: string;
  invoiceId: string;
  answers: Record<string, Answer>;
}

type Scenario =
  | 'twoPayments'
  | 'declinedAndGood'
  | 'declinedThenGood'
  | 'declinesToTheCap'
  | 'cancelAndPay'
  | 'payAfterWindow'
  | 'cancelProvisioningFailure';

describe('saga under concurrent requests (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('saga-concurrency');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;
  let runs: Record<Scenario, Promise<Round[]>>;

  beforeAll(async () => {
    ({ app, db, shop, planId } = await startMonolith(prefix, {
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      PAYMENT_WINDOW_SECONDS: String(PAYMENT_WINDOW_SECONDS),
      PAYMENT_MAX_DECLINES: String(PAYMENT_MAX_DECLINES),
    }));
    // Every scenario's orders go in flight now; the tests below wait for their own. A failure is reported by the
    // test that awaits it, not as an unhandled rejection.
    runs = {
      payAfterWindow: rounds(payAfterWindow),
      twoPayments: rounds(twoPayments),
      declinedAndGood: rounds(declinedAndGood),
      declinedThenGood: rounds(declinedThenGood),
      declinesToTheCap: rounds(declinesToTheCap),
      cancelAndPay: Promise.all(CANCEL_AND_PAY_MOMENTS.map(cancelAndPay)),
      cancelProvisioningFailure: Promise.all(CANCEL_PROVISIONING_MOMENTS.map(cancelProvisioningFailure)),
    };
    for (const run of Object.values(runs)) {
      void run.catch(() => undefined);
    }
  }, 120_000);

  afterAll(async () => {
    // Let in-flight requests and waits of a failed scenario end before the app goes away.
    await Promise.allSettled(Object.values(runs ?? {}));
    await closeIsolatedApp(app, prefix);
  }, 180_000);

  function rounds(scenario: () => Promise<Round>): Promise<Round[]> {
    return Promise.all(Array.from({ length: ROUNDS }, () => scenario()));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What a customer does, over HTTP

  async function placeOrder(
    hostname?: string,
  ): Promise<{ token: string; orderId: string; invoiceId: string }> {
    // One customer per order: the rate limit counts per tenant, and the waits below poll.
    const { token } = await shop.customer();
    const placed = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(shop.orderBody(planId, hostname ? { hostname } : {}))
      .expect(201);
    const orderId = (placed.body as { id: string }).id;
    const invoice = await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/invoices?orderId=${orderId}`).auth(token, { type: 'bearer' });
        return (r.body as { items?: Invoice[] }).items?.[0];
      },
      `the invoice of ${orderId}`,
      SETTLE_MS,
      POLL_MS,
    );
    return { token, orderId, invoiceId: invoice.id };
  }

  async function answer(test: PromiseLike<request.Response>): Promise<Answer> {
    const r = await test;
    return {
      status: r.status,
      contentType: r.headers['content-type'] ?? '',
      body: (r.body ?? {}) as Record<string, unknown>,
    };
  }

  const pay = (token: string, invoiceId: string, paymentToken: string) =>
    answer(
      shop.http.post(`/v1/invoices/${invoiceId}/pay`).auth(token, { type: 'bearer' }).send({ paymentToken }),
    );

  const cancel = (token: string, orderId: string) =>
    answer(shop.http.post(`/v1/orders/${orderId}/cancel`).auth(token, { type: 'bearer' }));

  async function invoiceView(round: Round): Promise<Invoice> {
    const r = await shop.http
      .get(`/v1/invoices/${round.invoiceId}`)
      .auth(round.token, { type: 'bearer' })
      .expect(200);
    return r.body as Invoice;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What the modules recorded, from the database

  async function orderStatus(orderId: string): Promise<string | undefined> {
    const rows: { status: string }[] = await db.query('SELECT status FROM orders."order" WHERE id = $1', [
      orderId,
    ]);
    return rows[0]?.status;
  }

  async function sagaOf(orderId: string): Promise<SagaRow | undefined> {
    const rows: SagaRow[] = await db.query(
      'SELECT status, step, compensations, failure, data FROM saga.instance WHERE order_id = $1',
      [orderId],
    );
    return rows[0];
  }

  /** Waits until both the order and its saga ended, whichever way: the test then says which way was expected. */
  const settled = (orderId: string) =>
    waitFor(
      async () => {
        const [order, saga] = [await orderStatus(orderId), await sagaOf(orderId)];
        return order && saga && TERMINAL_ORDERS.includes(order) && TERMINAL_SAGAS.includes(saga.status)
          ? { order, saga: saga.status }
          : undefined;
      },
      `order ${orderId} and its saga to end`,
      SETTLE_MS,
      POLL_MS,
    );

  const distinct = (log: LoggedEvent[], type: string) =>
    new Set(log.filter((e) => e.type === type).map((e) => e.id)).size;

  const mails = (log: LoggedEvent[], template: string) =>
    log.filter((e) => e.type === 'notification.requested' && e.data.template === template);

  const captured = (invoice: Invoice) => (invoice.payments ?? []).filter((p) => p.status === 'captured');

  /** The order id, the answers, the saga row and the event log, attached to a failed check of that order. */
  async function evidence(round: Round): Promise<string> {
    const saga = await sagaOf(round.orderId);
    const log = await orderEvents(db, round.orderId);
    return JSON.stringify(
      {
        orderId: round.orderId,
        invoiceId: round.invoiceId,
        moment: round.moment,
        order: await orderStatus(round.orderId),
        answers: Object.fromEntries(
          Object.entries(round.answers).map(([k, a]) => [
            k,
            `${a.status} ${typeof a.body.code === 'string' ? a.body.code : ''}`.trim(),
          ]),
        ),
        saga: saga && {
          status: saga.status,
          step: saga.step,
          compensations: saga.compensations,
          failure: saga.failure,
          declines: saga.data.declines,
          requested: saga.data.requested,
          done: saga.data.done,
          refunded: saga.data.refunded,
        },
        events: log.map((e) =>
          e.type === 'notification.requested' ? `${e.type}(${String(e.data.template)})` : e.type,
        ),
      },
      null,
      2,
    );
  }

  async function eachRound(scenario: Scenario, check: (round: Round) => Promise<void>): Promise<void> {
    for (const round of await runs[scenario]) {
      try {
        await check(round);
      } catch (error) {
        const detail = await evidence(round);
        console.error(`${scenario}: order ${round.orderId} failed its checks\n${detail}`);
        throw new Error(`${(error as Error).message}\n\n${scenario} evidence:\n${detail}`, { cause: error });
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The scenarios' requests

  async function twoPayments(): Promise<Round> {
    const placed = await placeOrder();
    const [first, second] = await Promise.all([
      pay(placed.token, placed.invoiceId, 'tok_success'),
      pay(placed.token, placed.invoiceId, 'tok_success'),
    ]);
    return { ...placed, answers: { first, second } };
  }

  async function declinedAndGood(): Promise<Round> {
    const placed = await placeOrder();
    const [declined, good] = await Promise.all([
      pay(placed.token, placed.invoiceId, 'tok_declined'),
      pay(placed.token, placed.invoiceId, 'tok_success'),
    ]);
    return { ...placed, answers: { declined, good } };
  }

  async function declinedThenGood(): Promise<Round> {
    const placed = await placeOrder();
    const declined = await pay(placed.token, placed.invoiceId, 'tok_declined');
    await waitFor(
      async () =>
        mails(await orderEvents(db, placed.orderId), 'payment-failed').length > 0 ? true : undefined,
      `the saga to record the decline of ${placed.orderId}`,
      SETTLE_MS,
      POLL_MS,
    );
    const good = await pay(placed.token, placed.invoiceId, 'tok_success');
    return { ...placed, answers: { declined, good } };
  }

  async function declinesToTheCap(): Promise<Round> {
    const placed = await placeOrder();
    const answers: Record<string, Answer> = {};
    for (let i = 1; i <= PAYMENT_MAX_DECLINES; i++) {
      answers[`decline${i}`] = await pay(placed.token, placed.invoiceId, 'tok_declined');
    }
    await settled(placed.orderId);
    answers.afterwards = await pay(placed.token, placed.invoiceId, 'tok_success');
    return { ...placed, answers };
  }

  /** Resolves once an event of this type was published for the order (or at once). */
  async function reached(orderId: string, moment: string): Promise<void> {
    if (moment === 'at once') {
      return;
    }
    await waitFor(
      async () => ((await orderEvents(db, orderId)).some((e) => e.type === moment) ? true : undefined),
      `${moment} for ${orderId}`,
      SETTLE_MS,
      50,
    );
  }

  async function cancelAndPay(moment: string): Promise<Round> {
    const placed = await placeOrder();
    const [cancelled, paid] = await Promise.all([
      reached(placed.orderId, moment).then(() => cancel(placed.token, placed.orderId)),
      pay(placed.token, placed.invoiceId, 'tok_success'),
    ]);
    return { ...placed, moment, answers: { cancel: cancelled, pay: paid } };
  }

  async function payAfterWindow(): Promise<Round> {
    const placed = await placeOrder();
    await waitFor(
      async () => ((await sagaOf(placed.orderId))?.status === 'failed' ? true : undefined),
      `the payment window of ${placed.orderId} to close`,
      PAYMENT_WINDOW_SECONDS * 1000 + SETTLE_MS,
      POLL_MS,
    );
    const late = await pay(placed.token, placed.invoiceId, 'tok_success');
    return { ...placed, answers: { late } };
  }

  async function cancelProvisioningFailure(moment: string): Promise<Round> {
    const placed = await placeOrder(`fail-${Math.random().toString(36).slice(2, 10)}.example.com`);
    const [paid, cancelled] = await Promise.all([
      pay(placed.token, placed.invoiceId, 'tok_success'),
      reached(placed.orderId, moment).then(() => cancel(placed.token, placed.orderId)),
    ]);
    await waitFor(
      async () => ((await orderStatus(placed.orderId)) === 'cancelled' ? true : undefined),
      `order ${placed.orderId} cancelled`,
      SETTLE_MS,
      POLL_MS,
    );
    const again = await cancel(placed.token, placed.orderId);
    return { ...placed, moment, answers: { pay: paid, cancel: cancelled, again } };
  }

  // ---------------------------------------------------------------------------------------------------------------

  it(
    'two good payments at once: one 200, one 409 problem; the order completes with one capture',
    async () => {
      await eachRound('twoPayments', async (round) => {
        const { first, second } = round.answers as Record<'first' | 'second', Answer>;
        expect([first.status, second.status].sort()).toEqual([200, 409]);
        const refused = first.status === 409 ? first : second;
        expect(refused.contentType).toMatch(PROBLEM);
        expect(refused.body.code).toBe('invoice-not-payable');
        expect(await settled(round.orderId)).toEqual({ order: 'completed', saga: 'completed' });
        const invoice = await invoiceView(round);
        expect(invoice.status).toBe('paid');
        expect(captured(invoice)).toHaveLength(1);
        expect(invoice.payments).toHaveLength(1);
        const log = await orderEvents(db, round.orderId);
        expect(distinct(log, 'payment.received')).toBe(1);
        expect(distinct(log, 'payment.refunded')).toBe(0);
        expect(distinct(log, 'invoice.voided')).toBe(0);
      });
    },
    TEST_MS,
  );

  it(
    'a declined and a good card at once: the decline is 402 (or 409 after the capture), the order completes',
    async () => {
      await eachRound('declinedAndGood', async (round) => {
        const { declined, good } = round.answers as Record<'declined' | 'good', Answer>;
        // A decline leaves the invoice open, so the good card is charged whichever locks the invoice first.
        expect(good.status).toBe(200);
        expect([402, 409]).toContain(declined.status);
        expect(declined.contentType).toMatch(PROBLEM);
        expect(await settled(round.orderId)).toEqual({ order: 'completed', saga: 'completed' });
        const invoice = await invoiceView(round);
        expect(invoice.status).toBe('paid');
        expect(captured(invoice)).toHaveLength(1);
        expect((invoice.payments ?? []).filter((p) => p.status === 'failed')).toHaveLength(
          declined.status === 402 ? 1 : 0,
        );
        const log = await orderEvents(db, round.orderId);
        expect(distinct(log, 'payment.refunded')).toBe(0);
        expect(distinct(log, 'invoice.voided')).toBe(0);
        expect(distinct(log, 'order.cancelled')).toBe(0);
      });
    },
    TEST_MS,
  );

  it(
    'a declined card, its payment-failed mail, then a good card: the order completes, nothing refunded',
    async () => {
      await eachRound('declinedThenGood', async (round) => {
        const { declined, good } = round.answers as Record<'declined' | 'good', Answer>;
        expect(declined.status).toBe(402);
        expect(declined.contentType).toMatch(PROBLEM);
        expect(good.status).toBe(200);
        expect(await settled(round.orderId)).toEqual({ order: 'completed', saga: 'completed' });
        const invoice = await invoiceView(round);
        expect(invoice.status).toBe('paid');
        expect(captured(invoice)).toHaveLength(1);
        const log = await orderEvents(db, round.orderId);
        expect(mails(log, 'payment-failed')).toHaveLength(1);
        expect(distinct(log, 'payment.refunded')).toBe(0);
        expect(distinct(log, 'invoice.voided')).toBe(0);
        expect(distinct(log, 'order.cancelled')).toBe(0);
      });
    },
    TEST_MS,
  );

  it(
    `${PAYMENT_MAX_DECLINES} declines (PAYMENT_MAX_DECLINES): the order is cancelled, its invoice voided, nothing refunded`,
    async () => {
      await eachRound('declinesToTheCap', async (round) => {
        for (let i = 1; i <= PAYMENT_MAX_DECLINES; i++) {
          expect({ decline: i, status: round.answers[`decline${i}`]?.status }).toEqual({
            decline: i,
            status: 402,
          });
        }
        expect(await settled(round.orderId)).toEqual({ order: 'cancelled', saga: 'failed' });
        // The voided invoice takes no money any more.
        expect(round.answers.afterwards?.status).toBe(409);
        const invoice = await invoiceView(round);
        expect(invoice.status).toBe('voided');
        expect(captured(invoice)).toEqual([]);
        expect((invoice.payments ?? []).map((p) => p.status)).toEqual(
          Array.from({ length: PAYMENT_MAX_DECLINES }, () => 'failed'),
        );
        const log = await orderEvents(db, round.orderId);
        expect(mails(log, 'order-cancelled')).toHaveLength(1);
        expect(distinct(log, 'order.cancelled')).toBe(1);
        expect(log.find((e) => e.type === 'order.cancelled')?.data).toMatchObject({
          reason: 'payment_failed',
        });
        expect(distinct(log, 'invoice.voided')).toBe(1);
        expect(distinct(log, 'payment.refunded')).toBe(0);
      });
    },
    TEST_MS,
  );

  it(
    'cancel racing a payment: either the cancel is refused and the order completes, or the money goes back',
    async () => {
      await eachRound('cancelAndPay', async (round) => {
        const { cancel: cancelled, pay: paid } = round.answers as Record<'cancel' | 'pay', Answer>;
        // Once orders confirmed the order, the customer may no longer cancel it.
        expect(round.moment === 'order.confirmed' ? [409] : [200, 409]).toContain(cancelled.status);
        expect([200, 409]).toContain(paid.status);
        const end = await settled(round.orderId);
        const invoice = await invoiceView(round);
        const log = await orderEvents(db, round.orderId);
        if (cancelled.status === 409) {
          // Orders saw the payment first: the cancel came too late, the order is fulfilled and paid.
          expect(cancelled.contentType).toMatch(PROBLEM);
          expect(cancelled.body.code).toBe('order-not-cancellable');
          expect(paid.status).toBe(200);
          expect(end).toEqual({ order: 'completed', saga: 'completed' });
          expect(invoice.status).toBe('paid');
          expect(captured(invoice)).toHaveLength(1);
          expect(distinct(log, 'payment.refunded')).toBe(0);
          expect(distinct(log, 'order.cancelled')).toBe(0);
          return;
        }
        // The cancel was accepted: no money is kept, whichever of capture and void came first at billing.
        expect(end).toEqual({ order: 'cancelled', saga: 'failed' });
        expect(invoice.status).toBe('voided');
        expect(captured(invoice)).toEqual([]);
        expect(distinct(log, 'order.cancelled')).toBe(1);
        expect(distinct(log, 'invoice.voided')).toBe(1);
        const cancelMails = mails(log, 'order-cancelled');
        expect(cancelMails).toHaveLength(1);
        const refundedMail = (cancelMails[0]?.data.variables as Record<string, unknown> | undefined)
          ?.refunded;
        if (paid.status === 200) {
          expect(distinct(log, 'payment.refunded')).toBe(1);
          expect((invoice.payments ?? []).map((p) => p.status)).toEqual(['refunded']);
          expect(refundedMail).toBe(true);
        } else {
          expect(paid.contentType).toMatch(PROBLEM);
          expect(distinct(log, 'payment.received')).toBe(0);
          expect(distinct(log, 'payment.refunded')).toBe(0);
          expect(refundedMail).toBe(false);
        }
      });
    },
    TEST_MS,
  );

  it(
    'a payment after the payment window closed is refused with 409 and nothing is captured',
    async () => {
      await eachRound('payAfterWindow', async (round) => {
        const { late } = round.answers as Record<'late', Answer>;
        expect(late.status).toBe(409);
        expect(late.contentType).toMatch(PROBLEM);
        expect(await settled(round.orderId)).toEqual({ order: 'cancelled', saga: 'failed' });
        const invoice = await invoiceView(round);
        expect(invoice.status).toBe('voided');
        expect(invoice.payments ?? []).toEqual([]);
        const log = await orderEvents(db, round.orderId);
        expect(log.find((e) => e.type === 'order.cancelled')?.data).toMatchObject({
          reason: 'payment_timeout',
        });
        expect(distinct(log, 'payment.received')).toBe(0);
        expect(distinct(log, 'payment.refunded')).toBe(0);
      });
    },
    TEST_MS,
  );

  it(
    'cancel racing a provisioning failure: cancelled once, refunded once, voided once; a later cancel is 409',
    async () => {
      await eachRound('cancelProvisioningFailure', async (round) => {
        const {
          pay: paid,
          cancel: cancelled,
          again,
        } = round.answers as Record<'pay' | 'cancel' | 'again', Answer>;
        expect([200, 409]).toContain(cancelled.status);
        // The charge can only be refused if the accepted cancel's void reached billing first.
        expect(cancelled.status === 200 ? [200, 409] : [200]).toContain(paid.status);
        expect(again.status).toBe(409);
        expect(again.contentType).toMatch(PROBLEM);
        expect(again.body.code).toBe('order-not-cancellable');
        expect(await settled(round.orderId)).toEqual({ order: 'cancelled', saga: 'failed' });
        const invoice = await invoiceView(round);
        expect(invoice.status).toBe('voided');
        expect(captured(invoice)).toEqual([]);
        const log = await orderEvents(db, round.orderId);
        expect(distinct(log, 'order.cancelled')).toBe(1);
        expect(distinct(log, 'payment.refunded')).toBe(paid.status === 200 ? 1 : 0);
        expect(distinct(log, 'invoice.voided')).toBe(1);
        expect(mails(log, 'order-cancelled')).toHaveLength(1);
      });
    },
    TEST_MS,
  );

  it(
    'afterwards every saga is terminal, once-only events happened at most once, and the reconciler finds nothing',
    async () => {
      const all = (await Promise.all(Object.values(runs))).flat();
      const orderIds = all.map((r) => r.orderId);
      await waitFor(
        async () => {
          const rows: { n: number }[] = await db.query(
            `SELECT count(*)::int AS n FROM saga.instance WHERE order_id = ANY($1::uuid[]) AND status = ANY($2::text[])`,
            [orderIds, TERMINAL_SAGAS],
          );
          return rows[0]?.n === orderIds.length ? true : undefined;
        },
        'every saga of the suite to end',
        SETTLE_MS,
        POLL_MS,
      );

      const twice: string[] = [];
      for (const orderId of orderIds) {
        const log = await orderEvents(db, orderId);
        for (const type of ONCE_ONLY) {
          if (distinct(log, type) > 1) {
            twice.push(`${orderId} ${type} x${distinct(log, type)}`);
          }
        }
      }
      expect(twice).toEqual([]);

      // With no grace period the reconciler also sees what is still settling (the order moving to completed after
      // saga.completed, the audit log catching up with the outboxes): wait for a clean report, then judge the last.
      const report = await settledReconciliation(prefix);
      expect(formatReport(report)).not.toMatch(/FAIL/);
      const counts = Object.fromEntries(report.findings.map((f) => [f.check, f.count]));
      expect(counts).toEqual(Object.fromEntries(report.findings.map((f) => [f.check, 0])));
      expect({ orders: report.orders, terminal: report.terminalOrders }).toEqual({
        orders: orderIds.length,
        terminal: orderIds.length,
      });
    },
    TEST_MS,
  );
});
