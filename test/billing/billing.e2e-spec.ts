import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { signWebhook } from '@app/billing';
import type { EventData, EventType } from '@app/contracts';
import {
  DLQ_HEADER,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  RelayHostService,
  TopicReader,
} from '@app/messaging';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Problem {
  status: number;
  code: string;
  detail?: string;
}

interface Invoice {
  id: string;
  number: string;
  orderId: string;
  status: 'open' | 'paid' | 'voided';
  currency: string;
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  totalMinor: number;
  dueAt: string;
  issuedAt: string;
  lines?: { description: string; quantity: number; unitPriceMinor: number; amountMinor: number }[];
  payments?: { id: string; method: string; status: string; providerReference: string | null }[];
}

interface Customer {
  accountId: string;
  token: string;
}

const YEAR = new Date().getUTCFullYear();
// The default PAYMENT_WEBHOOK_SECRET of AppConfig; the suite does not override it.
const WEBHOOK_SECRET = process.env.PAYMENT_WEBHOOK_SECRET ?? 'whsec_development_only_change_me';

describe('billing (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('billing');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;

  const placeOrder = async (customer: Customer): Promise<{ id: string; hostname: string }> => {
    const response = await shop.http
      .post('/v1/orders')
      .auth(customer.token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(201);
    return response.body as { id: string; hostname: string };
  };

  const invoiceFor = (customer: Customer, orderId: string): Promise<Invoice> =>
    waitFor(async () => {
      const response = await shop.http
        .get(`/v1/invoices?orderId=${orderId}`)
        .auth(customer.token, { type: 'bearer' })
        .expect(200);
      return (response.body as { items: Invoice[] }).items[0];
    }, `the invoice of order ${orderId}`);

  const orderAndInvoice = async (customer: Customer): Promise<Invoice> =>
    invoiceFor(customer, (await placeOrder(customer)).id);

  const getInvoice = async (customer: Customer, id: string): Promise<Invoice> =>
    (await shop.http.get(`/v1/invoices/${id}`).auth(customer.token, { type: 'bearer' }).expect(200))
      .body as Invoice;

  const pay = (customer: Customer, id: string, paymentToken: string) =>
    shop.http.post(`/v1/invoices/${id}/pay`).auth(customer.token, { type: 'bearer' }).send({ paymentToken });

  /** Payloads billing wrote to its outbox for one event type, filtered by one payload field. */
  const published = async <T extends EventType>(
    type: T,
    field: keyof EventData<T> & string,
    value: string,
  ): Promise<{ key: string; data: EventData<T> }[]> => {
    const rows: { key: string; payload: string }[] = await db.query(
      `SELECT key, payload FROM billing.outbox
       WHERE headers ->> 'ce_type' = $1 AND payload::jsonb ->> $2 = $3 ORDER BY id`,
      [type, field, value],
    );
    return rows.map((r) => ({ key: r.key, data: JSON.parse(r.payload) as EventData<T> }));
  };

  /** The causation ids of the events of a type billing published about an id. */
  const causes = async (type: EventType, field: string, value: string): Promise<(string | null)[]> => {
    const rows: { causation_id: string | null }[] = await db.query(
      `SELECT headers ->> 'ce_causationid' AS causation_id FROM billing.outbox
       WHERE headers ->> 'ce_type' = $1 AND payload::jsonb ->> $2 = $3 ORDER BY id`,
      [type, field, value],
    );
    return rows.map((r) => r.causation_id);
  };

  const countRows = async (sql: string, params: unknown[]): Promise<number> => {
    const rows: { n: string }[] = await db.query(sql, params);
    return Number(rows[0]?.n);
  };

  const sendWebhook = (body: unknown, signature?: (raw: string) => string) => {
    const raw = JSON.stringify(body);
    const request = shop.http.post('/v1/webhooks/payment-provider').set('content-type', 'application/json');
    const signed = signature
      ? request.set('Platforma-Signature', signature(raw))
      : request.set('Platforma-Signature', signWebhook(WEBHOOK_SECRET, raw, Date.now() / 1000));
    return signed.send(raw);
  };

  const transfer = (invoice: Invoice, id = `evt_${randomUUID()}`) => ({
    id,
    type: 'payment.succeeded',
    data: {
      invoiceId: invoice.id,
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      reference: `bt_${randomUUID()}`,
    },
  });

  /**
   * What the order saga does when it compensates: a command in its own outbox, keyed by the tenant, with no
   * operator behind it (requestedBy and note null).
   */
  const sagaCommand = <T extends 'payment.refund_requested' | 'invoice.void_requested'>(
    type: T,
    data: Omit<EventData<T>, 'requestedBy' | 'note'>,
    tenantId: string,
    subject: string,
  ) =>
    app
      .get(RelayHostService)
      .outboxOf('saga')
      .transaction((uow) =>
        uow.publish(type, { ...data, requestedBy: null, note: null } as EventData<T>, { tenantId, subject }),
      );

  const handledByBilling = (eventIds: string[]) =>
    waitFor(
      async () => {
        const n = await countRows(
          'SELECT count(*) AS n FROM billing.inbox WHERE event_id = ANY($1::uuid[])',
          [eventIds],
        );
        return n === eventIds.length ? true : undefined;
      },
      `billing to handle ${eventIds.join(', ')}`,
    );

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    const admin = await shop.adminToken();
    planId = (await shop.publishPlan(admin)).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  it('invoices each order once with gapless per-tenant numbers and 19 % German tax', async () => {
    const a = await shop.customer();
    const first = await placeOrder(a);
    const invoice = await invoiceFor(a, first.id);
    expect(invoice).toMatchObject({
      number: `INV-${YEAR}-000001`,
      orderId: first.id,
      status: 'open',
      currency: 'EUR',
      subtotalMinor: 1299,
      taxRateBp: 1900,
      taxMinor: 247,
      totalMinor: 1546,
    });
    expect(Date.parse(invoice.dueAt) - Date.parse(invoice.issuedAt)).toBe(86_400_000);
    const shown = await getInvoice(a, invoice.id);
    expect(shown.lines).toEqual([
      {
        description: `VPS ${first.hostname} (monthly)`,
        quantity: 1,
        unitPriceMinor: 1299,
        amountMinor: 1299,
      },
    ]);
    expect(shown.payments).toEqual([]);

    const second = await orderAndInvoice(a);
    expect(second.number).toBe(`INV-${YEAR}-000002`);
    const b = await shop.customer();
    expect((await orderAndInvoice(b)).number).toBe(`INV-${YEAR}-000001`);

    const events = await published('invoice.generated', 'orderId', first.id);
    expect(events).toEqual([
      {
        key: a.accountId,
        data: expect.objectContaining({
          invoiceId: invoice.id,
          accountId: a.accountId,
          number: `INV-${YEAR}-000001`,
          totalMinor: 1546,
        }) as unknown,
      },
    ]);
    expect(
      await countRows('SELECT count(*) AS n FROM billing.invoice WHERE tenant_id = $1', [a.accountId]),
    ).toBe(2);
  });

  it('parks an order that comes before its account and invoices it, setup fee and country rate, when the account arrives', async () => {
    const accountId = randomUUID();
    const orderId = randomUUID();
    const relays = app.get(RelayHostService);
    const order = await relays.outboxOf('orders').transaction((uow) =>
      uow.publish(
        'order.created',
        {
          orderId,
          accountId,
          planId,
          region: 'eu-central-1',
          image: 'ubuntu-24.04',
          hostname: 'late.example.com',
          billingCycle: 'yearly',
          priceMinor: 12990,
          currency: 'EUR',
          setupFeeMinor: 500,
        },
        { tenantId: accountId, subject: orderId },
      ),
    );
    await handledByBilling([order.id]);
    expect(
      await countRows('SELECT count(*) AS n FROM billing.parked_order WHERE order_id = $1', [orderId]),
    ).toBe(1);
    expect(await countRows('SELECT count(*) AS n FROM billing.invoice WHERE order_id = $1', [orderId])).toBe(
      0,
    );

    await relays
      .outboxOf('accounts')
      .transaction((uow) =>
        uow.publish(
          'account.created',
          { accountId, email: `${accountId}@example.com`, name: 'Late SARL', country: 'FR', currency: 'EUR' },
          { tenantId: accountId, subject: accountId },
        ),
      );
    const [event] = await waitFor(async () => {
      const events = await published('invoice.generated', 'orderId', orderId);
      return events.length > 0 ? events : undefined;
    }, 'the parked order invoiced');
    expect(event?.key).toBe(accountId);
    expect(event?.data).toMatchObject({
      number: `INV-${YEAR}-000001`,
      lines: [
        {
          description: 'VPS late.example.com (yearly)',
          quantity: 1,
          unitPriceMinor: 12990,
          amountMinor: 12990,
        },
        { description: 'Setup fee', quantity: 1, unitPriceMinor: 500, amountMinor: 500 },
      ],
      subtotalMinor: 13490,
      taxMinor: 2698,
      totalMinor: 16188,
    });
    // Still part of the order's flow, though published while handling account.created.
    const headers: { ce_correlationid: string; ce_causationid: string }[] = await db.query(
      `SELECT headers ->> 'ce_correlationid' AS ce_correlationid, headers ->> 'ce_causationid' AS ce_causationid
       FROM billing.outbox WHERE headers ->> 'ce_type' = 'invoice.generated' AND payload::jsonb ->> 'orderId' = $1`,
      [orderId],
    );
    expect(headers).toEqual([{ ce_correlationid: order.correlationid, ce_causationid: order.id }]);
    expect(
      await countRows('SELECT count(*) AS n FROM billing.parked_order WHERE order_id = $1', [orderId]),
    ).toBe(0);
  });

  it('keeps invoices to their tenant: 404 on read and pay, nothing in the list', async () => {
    const a = await shop.customer();
    const b = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const read = await shop.http
      .get(`/v1/invoices/${invoice.id}`)
      .auth(b.token, { type: 'bearer' })
      .expect(404);
    expect((read.body as Problem).code).toBe('invoice-not-found');
    const paid = await pay(b, invoice.id, 'tok_success').expect(404);
    expect((paid.body as Problem).code).toBe('invoice-not-found');
    const list = await shop.http.get('/v1/invoices').auth(b.token, { type: 'bearer' }).expect(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    expect((await getInvoice(a, invoice.id)).status).toBe('open');
  });

  it('lists invoices newest first with a cursor and filters by status and order', async () => {
    const a = await shop.customer();
    const invoices: Invoice[] = [];
    for (let i = 0; i < 3; i++) {
      invoices.push(await orderAndInvoice(a));
    }
    const page1 = await shop.http.get('/v1/invoices?limit=2').auth(a.token, { type: 'bearer' }).expect(200);
    const first = page1.body as { items: Invoice[]; nextCursor: string };
    expect(first.items.map((i) => i.number)).toEqual([`INV-${YEAR}-000003`, `INV-${YEAR}-000002`]);
    const page2 = await shop.http
      .get(`/v1/invoices?limit=2&cursor=${first.nextCursor}`)
      .auth(a.token, { type: 'bearer' })
      .expect(200);
    expect(page2.body).toMatchObject({ items: [{ id: invoices[0]?.id }], nextCursor: null });

    await pay(a, invoices[1]?.id ?? '', 'tok_success').expect(200);
    const paid = await shop.http
      .get('/v1/invoices?status=paid')
      .auth(a.token, { type: 'bearer' })
      .expect(200);
    expect((paid.body as { items: Invoice[] }).items.map((i) => i.id)).toEqual([invoices[1]?.id]);
    const byOrder = await shop.http
      .get(`/v1/invoices?orderId=${invoices[2]?.orderId}`)
      .auth(a.token, { type: 'bearer' })
      .expect(200);
    expect((byOrder.body as { items: Invoice[] }).items.map((i) => i.id)).toEqual([invoices[2]?.id]);
    await shop.http.get('/v1/invoices?status=bogus').auth(a.token, { type: 'bearer' }).expect(400);
  });

  it('pays with tok_success: paid, payment.received and invoice.paid on the topic; a second pay is 409', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const response = await pay(a, invoice.id, 'tok_success').expect(200);
    const body = response.body as Invoice;
    expect(body).toMatchObject({ id: invoice.id, status: 'paid' });
    expect(body.payments).toEqual([
      expect.objectContaining({
        method: 'card',
        status: 'captured',
        providerReference: expect.stringMatching(/^ch_test_/) as unknown,
      }),
    ]);
    const paymentId = body.payments?.[0]?.id ?? '';

    expect((await published('payment.received', 'invoiceId', invoice.id)).map((e) => e.data)).toEqual([
      {
        paymentId,
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        amountMinor: 1546,
        currency: 'EUR',
        method: 'card',
        providerReference: body.payments?.[0]?.providerReference,
      },
    ]);
    const reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
    const onTopic = await waitFor(async () => {
      const records = await reader.readAll(`${prefix}invoice.paid`);
      const mine = records.filter((r) => r.value?.includes(invoice.id));
      return mine.length > 0 ? mine : undefined;
    }, 'invoice.paid on the topic');
    expect(onTopic).toHaveLength(1);
    expect(onTopic[0]?.key).toBe(a.accountId);
    expect(JSON.parse(onTopic[0]?.value ?? '{}')).toEqual({
      invoiceId: invoice.id,
      orderId: invoice.orderId,
      paymentId,
      amountMinor: 1546,
      currency: 'EUR',
    });

    const again = await pay(a, invoice.id, 'tok_success').expect(409);
    expect((again.body as Problem).code).toBe('invoice-not-payable');
    expect(
      await countRows('SELECT count(*) AS n FROM billing.payment WHERE invoice_id = $1', [invoice.id]),
    ).toBe(1);
  });

  it('refuses declined cards with 402 and payment.failed (not retryable); the invoice stays open', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const declined = await pay(a, invoice.id, 'tok_declined').expect(402);
    expect(declined.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(declined.body).toMatchObject({ code: 'payment-declined', detail: 'card_declined' });
    const poor = await pay(a, invoice.id, 'tok_insufficient_funds').expect(402);
    expect((poor.body as Problem).detail).toBe('insufficient_funds');

    const shown = await getInvoice(a, invoice.id);
    expect(shown.status).toBe('open');
    expect(shown.payments?.map((p) => [p.method, p.status])).toEqual([
      ['card', 'failed'],
      ['card', 'failed'],
    ]);
    const failures = await published('payment.failed', 'invoiceId', invoice.id);
    expect(failures.map((f) => [f.data.reason, f.data.retryable])).toEqual([
      ['card_declined', false],
      ['insufficient_funds', false],
    ]);
    expect(failures.map((f) => f.data.paymentId)).toEqual(shown.payments?.map((p) => p.id));
    expect(await published('payment.received', 'invoiceId', invoice.id)).toEqual([]);
  });

  it('answers 503 after retrying an unavailable provider, and rides out a flaky one', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const started = Date.now();
    const down = await pay(a, invoice.id, 'tok_unavailable').expect(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((down.body as Problem).code).toBe('payment-provider-unavailable');
    const failures = await published('payment.failed', 'invoiceId', invoice.id);
    expect(failures.map((f) => [f.data.reason, f.data.retryable])).toEqual([['provider_unavailable', true]]);
    expect((await getInvoice(a, invoice.id)).status).toBe('open');

    const flaky = await pay(a, invoice.id, 'tok_flaky').expect(200);
    expect((flaky.body as Invoice).status).toBe('paid');
    expect(await published('invoice.paid', 'invoiceId', invoice.id)).toHaveLength(1);
  });

  it('captures once when the same invoice is paid twice at the same time', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const responses = await Promise.all([
      pay(a, invoice.id, 'tok_flaky'),
      pay(a, invoice.id, 'tok_success'),
      pay(a, invoice.id, 'tok_success'),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(
      await countRows(
        `SELECT count(*) AS n FROM billing.payment WHERE invoice_id = $1 AND status = 'captured'`,
        [invoice.id],
      ),
    ).toBe(1);
    expect(await published('payment.received', 'invoiceId', invoice.id)).toHaveLength(1);
  });

  it('settles an invoice from a signed provider webhook exactly once', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const event = transfer(invoice);

    const forged = await sendWebhook(event, (raw) =>
      signWebhook('whsec_not_the_real_secret!', raw, Date.now() / 1000),
    );
    expect(forged.status).toBe(401);
    expect((forged.body as Problem).code).toBe('invalid-signature');
    const unsigned = await shop.http.post('/v1/webhooks/payment-provider').send(event).expect(401);
    expect((unsigned.body as Problem).code).toBe('invalid-signature');
    const tampered = await sendWebhook(event, () =>
      signWebhook(WEBHOOK_SECRET, JSON.stringify({ ...event, id: 'evt_other' }), Date.now() / 1000),
    );
    expect((tampered.body as Problem).code).toBe('invalid-signature');
    const stale = await sendWebhook(event, (raw) =>
      signWebhook(WEBHOOK_SECRET, raw, Date.now() / 1000 - 301),
    );
    expect(stale.status).toBe(401);
    expect((stale.body as Problem).code).toBe('signature-expired');
    expect((await getInvoice(a, invoice.id)).status).toBe('open');

    const wrongAmount = await sendWebhook({ ...event, data: { ...event.data, amountMinor: 1 } }).expect(422);
    expect((wrongAmount.body as Problem).code).toBe('webhook-amount-mismatch');

    const accepted = await sendWebhook(event).expect(200);
    expect(accepted.body).toMatchObject({ received: true, outcome: 'paid' });
    const shown = await getInvoice(a, invoice.id);
    expect(shown.status).toBe('paid');
    expect(shown.payments).toEqual([
      expect.objectContaining({
        method: 'bank_transfer',
        status: 'captured',
        providerReference: event.data.reference,
      }),
    ]);
    expect((await published('payment.received', 'invoiceId', invoice.id)).map((e) => e.data.method)).toEqual([
      'bank_transfer',
    ]);
    expect(await published('invoice.paid', 'invoiceId', invoice.id)).toHaveLength(1);

    const replay = await sendWebhook(event).expect(409);
    expect((replay.body as Problem).code).toBe('webhook-replayed');
    const second = await sendWebhook(transfer(invoice)).expect(200);
    expect(second.body).toMatchObject({ outcome: 'ignored', paymentId: null });
    expect(
      await countRows('SELECT count(*) AS n FROM billing.payment WHERE invoice_id = $1', [invoice.id]),
    ).toBe(1);
    expect(await published('invoice.paid', 'invoiceId', invoice.id)).toHaveLength(1);
    expect(
      await countRows('SELECT count(*) AS n FROM billing.webhook_event WHERE invoice_id = $1', [invoice.id]),
    ).toBe(2);
  });

  it('refunds once for a redelivered refund request, then voids the refunded invoice', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const paid = (await pay(a, invoice.id, 'tok_success').expect(200)).body as Invoice;
    const paymentId = paid.payments?.[0]?.id ?? '';
    const refund = {
      refundId: randomUUID(),
      paymentId,
      invoiceId: invoice.id,
      orderId: invoice.orderId,
      reason: 'provisioning_failed',
    };
    const first = await sagaCommand('payment.refund_requested', refund, a.accountId, paymentId);
    const again = await sagaCommand('payment.refund_requested', refund, a.accountId, paymentId);
    await handledByBilling([first.id, again.id]);

    expect((await getInvoice(a, invoice.id)).payments?.map((p) => p.status)).toEqual(['refunded']);
    expect(
      await countRows('SELECT count(*) AS n FROM billing.refund WHERE payment_id = $1', [paymentId]),
    ).toBe(1);
    const refunded = await published('payment.refunded', 'paymentId', paymentId);
    expect(refunded.map((e) => e.data)).toEqual([{ ...refund, amountMinor: 1546, currency: 'EUR' }]);
    expect(refunded[0]?.key).toBe(a.accountId);

    const voidRequest = { invoiceId: invoice.id, orderId: invoice.orderId, reason: 'provisioning_failed' };
    const voids = [
      await sagaCommand('invoice.void_requested', voidRequest, a.accountId, invoice.id),
      await sagaCommand('invoice.void_requested', voidRequest, a.accountId, invoice.id),
    ];
    await handledByBilling(voids.map((v) => v.id));
    // The running saga saw the refund too and asks for the void itself (reason operator): whichever request billing
    // handles first voids the invoice, with its reason, once; the others change nothing.
    const [cause, ...more] = await causes('invoice.voided', 'invoiceId', invoice.id);
    expect(more).toEqual([]);
    const [request] = await db.query<{ payload: string }[]>(
      `SELECT payload FROM saga.outbox WHERE event_id = $1 AND headers ->> 'ce_type' = 'invoice.void_requested'`,
      [cause],
    );
    const decisive = JSON.parse(request?.payload ?? '{}') as EventData<'invoice.void_requested'>;
    expect(decisive).toMatchObject({ invoiceId: invoice.id, orderId: invoice.orderId });
    expect(['provisioning_failed', 'operator']).toContain(decisive.reason);
    expect(await getInvoice(a, invoice.id)).toMatchObject({ status: 'voided', voidReason: decisive.reason });
    expect((await published('invoice.voided', 'invoiceId', invoice.id)).map((e) => e.data)).toEqual([
      { ...voidRequest, reason: decisive.reason, refunded: false },
    ]);
  });

  it('a void of a paid invoice refunds its capture first, once; a refund asked for later changes nothing', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const paid = (await pay(a, invoice.id, 'tok_success').expect(200)).body as Invoice;
    const paymentId = paid.payments?.[0]?.id ?? '';
    const voidRequest = { invoiceId: invoice.id, orderId: invoice.orderId, reason: 'customer_request' };
    const voids = [
      await sagaCommand('invoice.void_requested', voidRequest, a.accountId, invoice.id),
      await sagaCommand('invoice.void_requested', voidRequest, a.accountId, invoice.id),
    ];
    await handledByBilling(voids.map((v) => v.id));
    const voided = await getInvoice(a, invoice.id);
    expect(voided).toMatchObject({ status: 'voided', voidReason: 'customer_request' });
    expect(voided.payments?.map((p) => p.status)).toEqual(['refunded']);
    expect(
      await countRows('SELECT count(*) AS n FROM billing.refund WHERE payment_id = $1', [paymentId]),
    ).toBe(1);
    const refunded = await published('payment.refunded', 'paymentId', paymentId);
    expect(refunded.map((e) => e.data)).toEqual([
      expect.objectContaining({ paymentId, amountMinor: 1546, currency: 'EUR', reason: 'customer_request' }),
    ]);
    // Refund and void are one transaction: both caused by the first request.
    const [voidedEvent, ...more] = await published('invoice.voided', 'invoiceId', invoice.id);
    expect(more).toEqual([]);
    expect(voidedEvent?.data).toEqual({ ...voidRequest, refunded: true });
    expect(await causes('invoice.voided', 'invoiceId', invoice.id)).toEqual([voids[0]?.id]);
    expect(await causes('payment.refunded', 'paymentId', paymentId)).toEqual([voids[0]?.id]);

    // An old saga's refund request for the same payment: nothing more is refunded, nothing is dead-lettered.
    const late = await sagaCommand(
      'payment.refund_requested',
      {
        refundId: randomUUID(),
        paymentId,
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        reason: 'provisioning_failed',
      },
      a.accountId,
      paymentId,
    );
    await handledByBilling([late.id]);
    expect(await published('payment.refunded', 'paymentId', paymentId)).toHaveLength(1);
    await pay(a, invoice.id, 'tok_success').expect(409);
  });

  it('voids an open invoice, which can then no longer be paid; an unknown invoice is dead-lettered', async () => {
    const a = await shop.customer();
    const invoice = await orderAndInvoice(a);
    const request = { invoiceId: invoice.id, orderId: invoice.orderId, reason: 'payment_timeout' };
    const voided = await sagaCommand('invoice.void_requested', request, a.accountId, invoice.id);
    await handledByBilling([voided.id]);
    expect((await getInvoice(a, invoice.id)).status).toBe('voided');
    expect(await published('invoice.voided', 'invoiceId', invoice.id)).toHaveLength(1);
    const refused = await pay(a, invoice.id, 'tok_success').expect(409);
    expect((refused.body as Problem).code).toBe('invoice-not-payable');

    const unknown = { invoiceId: randomUUID(), orderId: invoice.orderId, reason: 'payment_timeout' };
    const lost = await sagaCommand('invoice.void_requested', unknown, a.accountId, unknown.invoiceId);
    const reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
    const dead = await waitFor(async () => {
      const records = await reader.readAll(`${prefix}invoice.void_requested.dlq`);
      return records.find((r) => r.headers.ce_id === lost.id);
    }, 'the unknown invoice void in the DLQ');
    expect(dead.headers[DLQ_HEADER.attempts]).toBe('1');
    expect(await published('invoice.voided', 'invoiceId', unknown.invoiceId)).toEqual([]);
  });
});
