import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventData, EventType } from '@app/contracts';
import { encodeEnvelope, EventProducer } from '@app/messaging';
import { AppConfig, createPlatformApp } from '@app/platform';
import { Reconciler } from '@app/reconcile';
import { MONOLITH } from '../../src/app.module.js';
import { MailCatcher } from '../billing/mail-catcher.js';
import { orderEvents, sequence } from '../support/event-log.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { mailBodies } from '../support/mail.js';
import { inboxHits } from '../support/consumers.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Order {
  id: string;
  status: string;
  serviceId: string | null;
  steps: { status: string; event: string | null }[];
}
interface Invoice {
  id: string;
  status: string;
  totalMinor: number;
}

const PAYMENT_WINDOW_SECONDS = 8;

describe('order saga (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('saga');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const mail = new MailCatcher();

  beforeAll(async () => {
    const smtpPort = await mail.start();
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      PAYMENT_WINDOW_SECONDS: String(PAYMENT_WINDOW_SECONDS),
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    planId = (await shop.publishPlan(await shop.adminToken())).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await pool.end();
    await closeIsolatedApp(app, prefix);
    await mail.stop();
  });

  async function placeOrder(token: string, hostname?: string): Promise<string> {
    const body = shop.orderBody(planId, hostname ? { hostname } : {});
    const response = await shop.http
      .post('/v1/orders')
      .auth(token, { type: 'bearer' })
      .send(body)
      .expect(201);
    return (response.body as Order).id;
  }

  const invoiceOf = (token: string, orderId: string) =>
    waitFor(async () => {
      const r = await shop.http.get(`/v1/invoices?orderId=${orderId}`).auth(token, { type: 'bearer' });
      return (r.body as { items?: Invoice[] }).items?.[0];
    }, `the invoice of ${orderId}`);

  const orderReaches = (token: string, orderId: string, status: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const r = await shop.http.get(`/v1/orders/${orderId}`).auth(token, { type: 'bearer' });
        const order = r.body as Order;
        return order.status === status ? order : undefined;
      },
      `order ${orderId} ${status}`,
      timeoutMs,
    );

  const sagaOf = async (orderId: string) => {
    const rows: { status: string; step: string }[] = await db.query(
      'SELECT status, step FROM saga.instance WHERE order_id = $1',
      [orderId],
    );
    return rows[0];
  };

  const sagaEnds = (orderId: string, status: 'completed' | 'failed') =>
    waitFor(async () => ((await sagaOf(orderId))?.status === status ? true : undefined), `saga ${status}`);

  const pay = (token: string, invoiceId: string, paymentToken: string) =>
    shop.http.post(`/v1/invoices/${invoiceId}/pay`).auth(token, { type: 'bearer' }).send({ paymentToken });

  it('happy path: invoice paid, VPS active, order completed, credentials once', async () => {
    const { token } = await shop.customer();
    const orderId = await placeOrder(token);
    const invoice = await invoiceOf(token, orderId);
    await pay(token, invoice.id, 'tok_success').expect(200);
    const order = await orderReaches(token, orderId, 'completed');
    expect(order.serviceId).toBeTruthy();
    expect(order.steps.map((s) => s.status)).toEqual([
      'pending',
      'awaiting_payment',
      'confirmed',
      'provisioning',
      'completed',
    ]);
    await sagaEnds(orderId, 'completed');
    const paid = await shop.http
      .get(`/v1/invoices/${invoice.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect((paid.body as Invoice).status).toBe('paid');
    const service = await shop.http
      .get(`/v1/services/${order.serviceId}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(service.body).toMatchObject({ state: 'active' });

    const log = await orderEvents(db, orderId);
    // saga.started and invoice.generated both answer order.created: only their common cause orders them.
    const chain = [
      'order.created',
      'invoice.generated',
      'payment.received',
      'provisioning.requested',
      'provisioning.completed',
      'notification.requested',
      'saga.completed',
    ];
    expect(sequence(log, chain)).toEqual(chain);
    expect(sequence(log, ['order.created', 'saga.started'])).toEqual(['order.created', 'saga.started']);
    expect(new Set(log.map((e) => e.headers.ce_correlationid)).size).toBe(1);
    const notification = log.find((e) => e.type === 'notification.requested');
    expect(notification?.data).toMatchObject({ template: 'vps-ready' });
    // The mail opens the storefront's page, which calls the API route with the customer's session.
    const link = new URL(String((notification?.data.variables as Record<string, string>).credentialsUrl));
    const storefront = app.get(AppConfig).STOREFRONT_URL.replace(/\/$/, '');
    const serviceId = /^\/services\/([0-9a-f-]{36})\/credentials$/.exec(
      link.href.slice(storefront.length),
    )?.[1];
    expect(serviceId).toBeDefined();
    expect(link.href.startsWith(`${storefront}/`)).toBe(true);
    const api = `/v1/services/${serviceId}/credentials`;
    const credentials = await shop.http
      .post(api)
      .auth(token, { type: 'bearer' })
      .expect((r) => expect([200, 201]).toContain(r.status));
    const password = (credentials.body as { password: string }).password;
    expect(password.length).toBeGreaterThan(8);
    await shop.http.post(api).auth(token, { type: 'bearer' }).expect(410);
    expect(JSON.stringify(log)).not.toContain(password);

    // Redelivery: the payment and provisioning results arrive again with the same ids — nothing happens twice.
    const producer = app.get(EventProducer);
    const again = log.filter((e) => e.type === 'payment.received' || e.type === 'provisioning.completed');
    expect(again).toHaveLength(2);
    const hits = inboxHits(app);
    await producer.send(
      again.map((e) => ({ topic: e.topic, key: e.key, value: e.payload, headers: e.headers })),
    );
    await hits.seen(again);
    const after = await orderEvents(db, orderId);
    for (const type of ['provisioning.requested', 'payment.received', 'order.completed', 'saga.completed']) {
      expect({ type, n: after.filter((e) => e.type === type).length }).toEqual({ type, n: 1 });
    }
  });

  it('declined card: the invoice stays payable, the customer is mailed, a good card completes the order', async () => {
    const email = `decline-${randomUUID()}@example.com`;
    const token = await shop.token((await shop.signUp({ email })).apiKey);
    const orderId = await placeOrder(token);
    const invoice = await invoiceOf(token, orderId);
    const declined = await pay(token, invoice.id, 'tok_declined').expect(402);
    expect(declined.headers['content-type']).toMatch(/^application\/problem\+json/);
    const requested = await waitFor(async () => {
      const log = await orderEvents(db, orderId);
      return log.find((e) => e.type === 'notification.requested' && e.data.template === 'payment-failed');
    }, 'the payment-failed mail');
    expect(requested.data).toMatchObject({ recipient: email, variables: { orderId } });
    // The customer's mailbox, through the real SMTP server: the decline and its reason, and how to go on.
    const failedSubject = `Payment for order ${orderId} failed`;
    const delivered = await waitFor(
      () => Promise.resolve(mail.received.find((m) => m.to.includes(email) && m.subject === failedSubject)),
      'the payment-failed mail in the customer’s mailbox',
    );
    const body = mailBodies(delivered.raw).text;
    expect(body).toContain(`we could not collect the payment for your order ${orderId}`);
    expect(body).toContain('Reason: card_declined');
    expect((await sagaOf(orderId))?.status).toBe('running');
    const open = await shop.http
      .get(`/v1/invoices/${invoice.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect((open.body as Invoice).status).toBe('open');
    await pay(token, invoice.id, 'tok_success').expect(200);
    await orderReaches(token, orderId, 'completed');
    await sagaEnds(orderId, 'completed');
    const log = await orderEvents(db, orderId);
    for (const type of [
      'saga.compensating',
      'invoice.void_requested',
      'order.cancelled',
      'payment.refunded',
    ]) {
      expect({ type, n: log.filter((e) => e.type === type).length }).toEqual({ type, n: 0 });
    }
    // One decline, one mail about it; then the server's mail, and nothing else (but the sign-up's own).
    const orderMails = () =>
      mail.subjectsTo(email).filter((s) => !s.startsWith('Confirm your email address'));
    await waitFor(() => Promise.resolve(orderMails().length >= 2 ? true : undefined), 'the vps-ready mail');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(orderMails()).toEqual([failedSubject, expect.stringMatching(/^Your server \S+ is ready$/)]);
  });

  it('provisioning failure: release, void (which refunds), cancel, notify — in that causal order', async () => {
    const { token } = await shop.customer();
    const orderId = await placeOrder(token, `fail-${Date.now()}.example.com`);
    const invoice = await invoiceOf(token, orderId);
    await pay(token, invoice.id, 'tok_success').expect(200);
    const order = await orderReaches(token, orderId, 'cancelled');
    expect(order.steps.map((s) => s.status)).toContain('confirmed');
    await sagaEnds(orderId, 'failed');
    const log = await orderEvents(db, orderId);
    const chain = [
      'provisioning.failed',
      'saga.compensating',
      'provisioning.release_requested',
      'provisioning.released',
      'invoice.void_requested',
      'payment.refunded',
      'invoice.voided',
      'order.cancel_requested',
      'order.cancelled',
      'notification.requested',
      'saga.failed',
    ];
    expect(sequence(log, chain)).toEqual(chain);
    // Each step was caused by the one before it, not merely later.
    const byId = new Map(log.map((e) => [e.id, e]));
    for (let i = 1; i < chain.length; i++) {
      const event = log.find((e) => e.type === chain[i]);
      const causeTypes = new Set<string>();
      for (let c = event?.causationId; c && byId.has(c); c = byId.get(c)?.causationId) {
        causeTypes.add(byId.get(c)?.type ?? '');
      }
      expect({ event: chain[i], causedByFailure: causeTypes.has('provisioning.failed') }).toEqual({
        event: chain[i],
        causedByFailure: true,
      });
    }
    expect(log.find((e) => e.type === 'order.cancelled')?.data).toMatchObject({
      reason: 'provisioning_failed',
    });
    const refunded = log.filter((e) => e.type === 'payment.refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0]?.data.amountMinor).toBe(invoice.totalMinor);

    expect(log.find((e) => e.type === 'invoice.voided')?.data).toMatchObject({ refunded: true });
    const mail = log.find(
      (e) => e.type === 'notification.requested' && e.data.template === 'order-cancelled',
    );
    expect(mail?.data).toMatchObject({ variables: { refunded: true } });

    // A redelivered void request refunds and voids once.
    const request = log.filter((e) => e.type === 'invoice.void_requested');
    expect(request).toHaveLength(1);
    const hits = inboxHits(app);
    await app
      .get(EventProducer)
      .send(request.map((e) => ({ topic: e.topic, key: e.key, value: e.payload, headers: e.headers })));
    await hits.seen(request);
    const after = await orderEvents(db, orderId);
    expect(after.filter((e) => e.type === 'payment.refunded')).toHaveLength(1);
    expect(after.filter((e) => e.type === 'invoice.voided')).toHaveLength(1);
  });

  it('payment timeout: the database timer cancels the unpaid order', async () => {
    const { token } = await shop.customer();
    const orderId = await placeOrder(token);
    const invoice = await invoiceOf(token, orderId);
    const order = await orderReaches(token, orderId, 'cancelled', (PAYMENT_WINDOW_SECONDS + 20) * 1000);
    expect(order.status).toBe('cancelled');
    await sagaEnds(orderId, 'failed');
    const log = await orderEvents(db, orderId);
    expect(log.find((e) => e.type === 'order.cancelled')?.data).toMatchObject({ reason: 'payment_timeout' });
    expect(log.find((e) => e.type === 'invoice.voided')?.data).toMatchObject({ invoiceId: invoice.id });
    await pay(token, invoice.id, 'tok_success').expect(409);
  });

  /**
   * One order's events, produced here as the tests choose, for an account billing does not know (so billing
   * invoices nothing itself) but the saga does.
   */
  const handMadeOrder = async (hostname: string) => {
    const accountId = randomUUID();
    await db.query('INSERT INTO saga.account_view (account_id, email, name) VALUES ($1, $2, $3)', [
      accountId,
      `${accountId}@example.com`,
      'Overtaken GmbH',
    ]);
    const orderId = uuidv7();
    const invoiceId = uuidv7();
    const paymentId = uuidv7();
    const correlationId = uuidv7();
    const producer = app.get(EventProducer);
    const send = async <T extends EventType>(type: T, version: number, data: EventData<T>) => {
      const envelope = {
        id: uuidv7(),
        type,
        specversion: '1.0' as const,
        source: type.startsWith('order.') ? 'orders' : 'billing',
        time: new Date().toISOString(),
        subject: orderId,
        version,
        tenantid: accountId,
        correlationid: correlationId,
        datacontenttype: 'application/json' as const,
        data,
      };
      await producer.send([{ topic: `${prefix}${type}`, ...encodeEnvelope(envelope as never) }]);
    };
    const parkedEvents = async (n: number, what: string) =>
      waitFor(async () => {
        const parked: unknown[] = await db.query('SELECT 1 FROM saga.parked_event WHERE order_id = $1', [
          orderId,
        ]);
        return parked.length === n ? true : undefined;
      }, what);
    return {
      orderId,
      paymentId,
      parkedEvents,
      created: () =>
        send('order.created', 2, {
          ...shop.orderBody(planId, { hostname }),
          orderId,
          accountId,
          planId,
          priceMinor: 1299,
          setupFeeMinor: 0,
          currency: 'EUR',
        } as EventData<'order.created'>),
      paid: () =>
        send('payment.received', 1, {
          paymentId,
          invoiceId,
          orderId,
          amountMinor: 1546,
          currency: 'EUR',
          method: 'card',
          providerReference: `ch_${hostname}`,
        }),
      invoiced: () =>
        send('invoice.generated', 1, {
          invoiceId,
          orderId,
          accountId,
          number: 'INV-2026-999999',
          lines: [{ description: 'VPS', quantity: 1, unitPriceMinor: 1299, amountMinor: 1299 }],
          subtotalMinor: 1299,
          taxMinor: 247,
          totalMinor: 1546,
          currency: 'EUR',
          dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        }),
      /** The saga completed with the payment, once per step, with nothing left parked. */
      completedOnce: async () => {
        await sagaEnds(orderId, 'completed');
        const rows: { data: { paymentId: string } }[] = await db.query(
          'SELECT data FROM saga.instance WHERE order_id = $1',
          [orderId],
        );
        expect(rows[0]?.data.paymentId).toBe(paymentId);
        expect(await db.query('SELECT 1 FROM saga.parked_event WHERE order_id = $1', [orderId])).toEqual([]);
        const log = await orderEvents(db, orderId);
        const steps = log.filter((e) => e.type === 'saga.step_completed').map((e) => String(e.data.step));
        expect(steps.slice(0, 2)).toEqual(['invoice', 'payment']);
        expect(new Set(steps).size).toBe(steps.length);
        expect(log.filter((e) => e.type === 'provisioning.requested')).toHaveLength(1);
      },
    };
  };

  it('a payment that overtakes its invoice at the saga is kept and applied once the invoice arrives', async () => {
    // Events of one order travel on different topics, so the saga can see payment.received while it still waits
    // for invoice.generated.
    const order = await handMadeOrder('overtaken.example.com');
    await order.created();
    await waitFor(
      async () => ((await sagaOf(order.orderId))?.step === 'invoice' ? true : undefined),
      'the saga',
    );
    await order.paid();
    await order.parkedEvents(1, 'the early payment to be parked');
    expect((await sagaOf(order.orderId))?.step).toBe('invoice');
    await order.invoiced();
    await order.completedOnce();
  });

  it('an invoice and a payment that overtake order.created are kept and applied when the saga starts', async () => {
    const order = await handMadeOrder('before-the-start.example.com');
    await order.invoiced();
    await order.paid();
    await order.parkedEvents(2, 'both early events to be parked');
    expect(await sagaOf(order.orderId)).toBeFalsy();
    await order.created();
    await order.completedOnce();
  });

  it('orders dead-letters a saga.completed naming no service it knows, keeps the order, and completes it on one that does', async () => {
    // An order by hand in provisioning with no service, as if provisioning.started never reached orders.
    const tenantId = randomUUID();
    const orderId = uuidv7();
    await db.query(
      `INSERT INTO orders."order" (id, tenant_id, plan_id, region, image, hostname, billing_cycle, price_minor,
         setup_fee_minor, currency, status, service_id, created_at, updated_at)
       VALUES ($1, $2, $3, 'eu-central', 'debian-12', 'no-service.example.com', 'monthly', 1299, 0, 'EUR',
         'provisioning', NULL, now(), now())`,
      [orderId, tenantId, planId],
    );
    const completed = async (serviceId: string | null): Promise<string> => {
      const id = uuidv7();
      const sagaId = uuidv7();
      const data: EventData<'saga.completed'> = {
        sagaId,
        orderId,
        definition: 'vps-order',
        definitionVersion: 1,
        serviceId,
      };
      await app.get(EventProducer).send([
        {
          topic: `${prefix}saga.completed`,
          ...encodeEnvelope({
            id,
            type: 'saga.completed',
            specversion: '1.0',
            source: 'saga',
            time: new Date().toISOString(),
            subject: sagaId,
            version: 1,
            tenantid: tenantId,
            correlationid: uuidv7(),
            data,
          } as never),
        },
      ]);
      return id;
    };
    const orderRow = async () =>
      (
        await db.query<{ status: string; service_id: string | null }[]>(
          'SELECT status, service_id FROM orders."order" WHERE id = $1',
          [orderId],
        )
      )[0];

    const nameless = await completed(null);
    const letter = await waitFor(async () => {
      const rows: { dlq_consumer_group: string; dlq_error: string }[] = await db.query(
        `SELECT dlq_consumer_group, dlq_error FROM audit.event_log WHERE event_id = $1 AND topic = $2`,
        [nameless, `${prefix}saga.completed.dlq`],
      );
      return rows[0];
    }, 'the nameless saga.completed in the DLQ');
    expect(letter.dlq_consumer_group).toMatch(/orders/);
    expect(letter.dlq_error).toMatch(/names no service, and orders knows none/);
    // Rolled back with its move: still provisioning, no service, no history line, nothing published.
    expect(await orderRow()).toEqual({ status: 'provisioning', service_id: null });
    expect(await db.query('SELECT 1 FROM orders.order_step WHERE order_id = $1', [orderId])).toEqual([]);
    expect((await orderEvents(db, orderId)).map((e) => e.type)).toEqual([]);

    const serviceId = randomUUID();
    await completed(serviceId);
    await waitFor(
      async () => ((await orderRow())?.status === 'completed' ? true : undefined),
      'the order to complete',
    );
    expect(await orderRow()).toEqual({ status: 'completed', service_id: serviceId });
    const published = await waitFor(async () => {
      const events = await orderEvents(db, orderId);
      return events.length > 0 ? events : undefined;
    }, 'order.completed');
    expect(published.map((e) => [e.type, e.data.serviceId])).toEqual([['order.completed', serviceId]]);
  });

  it('an operator retry closes a saga stuck the old way: refund, cancel, mail; reconcile names it before, not after', async () => {
    const { token } = await shop.customer();
    const orderId = await placeOrder(token);
    const invoice = await invoiceOf(token, orderId);
    await waitFor(
      async () => ((await sagaOf(orderId))?.step === 'payment' ? true : undefined),
      'the saga at payment',
    );
    // What an earlier version left behind: a saga waiting for a void that billing held back while the invoice
    // was paid (its void request and the refund it waited for were never sent again).
    await db.query(
      `UPDATE saga.instance SET status = 'compensating', compensations = '["void", "cancel", "notify_failure"]',
              data = data || '{"requested": ["void"], "cancelReason": "payment_failed"}',
              failure = '{"step": "payment", "reason": "card_declined", "message": "The payment was declined"}',
              timer_kind = NULL, timer_at = NULL, updated_at = now() - interval '2 minutes'
        WHERE order_id = $1`,
      [orderId],
    );
    await pay(token, invoice.id, 'tok_success').expect(200);
    const reconciler = new Reconciler(pool);
    await waitFor(async () => {
      const rows: { data: { paymentId?: string } }[] = await db.query(
        'SELECT data FROM saga.instance WHERE order_id = $1',
        [orderId],
      );
      return rows[0]?.data.paymentId ? true : undefined;
    }, 'the saga to record the capture its void will refund');
    const before = await reconciler.reconcile({ prefix, graceSeconds: 0, sinceHours: 1 });
    expect(before.findings.find((f) => f.check === 'sagas stuck')?.samples.join()).toContain(orderId);

    const admin = await shop.adminToken();
    await shop.http
      .post(`/v1/admin/sagas/${orderId}/retry-compensation`)
      .auth(token, { type: 'bearer' })
      .expect(403);
    const unknown = await shop.http
      .post(`/v1/admin/sagas/${uuidv7()}/retry-compensation`)
      .auth(admin, { type: 'bearer' })
      .expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retried = await shop.http
      .post(`/v1/admin/sagas/${orderId}/retry-compensation`)
      .auth(admin, { type: 'bearer' })
      .expect(202);
    expect(retried.body).toEqual({
      status: 'compensating',
      waitingFor: 'void',
      published: ['invoice.void_requested'],
    });

    await orderReaches(token, orderId, 'cancelled');
    await sagaEnds(orderId, 'failed');
    const voided = await shop.http
      .get(`/v1/invoices/${invoice.id}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(voided.body).toMatchObject({ status: 'voided', payments: [{ status: 'refunded' }] });
    const log = await orderEvents(db, orderId);
    expect(log.filter((e) => e.type === 'payment.refunded')).toHaveLength(1);
    const mail = log.find(
      (e) => e.type === 'notification.requested' && e.data.template === 'order-cancelled',
    );
    expect(mail?.data).toMatchObject({ variables: { refunded: true } });
    const nothingLeft = await shop.http
      .post(`/v1/admin/sagas/${orderId}/retry-compensation`)
      .auth(admin, { type: 'bearer' })
      .expect(409);
    expect(nothingLeft.body).toMatchObject({ code: 'saga-nothing-to-retry' });

    const after = await reconciler.reconcile({ prefix, graceSeconds: 0, sinceHours: 1 });
    const naming = after.findings.filter((f) => f.samples.some((sample) => sample.includes(orderId)));
    expect(naming).toEqual([]);
  });
});
