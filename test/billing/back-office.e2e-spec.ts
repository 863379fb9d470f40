import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AdminInvoicePage, AdminInvoiceView, OperatorRequestAccepted } from '@app/billing';
import type { EventData } from '@app/contracts';
import {
  DLQ_HEADER,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  type ReadRecord,
  RelayHostService,
  TopicReader,
} from '@app/messaging';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { startMonolith } from '../support/monolith.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Customer {
  accountId: string;
  token: string;
}
interface Problem {
  type: string;
  code: string;
  status: number;
  detail?: string;
}

/**
 * Billing's back office against the real broker and database: invoices and payments across tenants, an operator's
 * void and refund as command events billing's own consumer follows (or dead-letters with the reason), the audit
 * log's record of who asked and why, and the races between operators, and between an operator and a customer.
 */
describe('billing back office (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('backoffice');
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let reader: TopicReader;
  let planId: string;
  let admin: string;
  let adminUserId: string;

  beforeAll(async () => {
    ({ app, db, shop, admin, adminUserId, planId } = await startMonolith(prefix, {
      KAFKA_TOPIC_PARTITIONS: '2',
      // Builds finish at once, so a paid order completes; unpaid orders wait for the whole suite.
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      PAYMENT_WINDOW_SECONDS: '3600',
    }));
    reader = new TopicReader(app.get<MessagingSettings>(MESSAGING_SETTINGS));
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  const BEARER = { type: 'bearer' } as const;

  const placeOrder = async (customer: Customer): Promise<string> => {
    const placed = await shop.http
      .post('/v1/orders')
      .auth(customer.token, BEARER)
      .send(shop.orderBody(planId))
      .expect(201);
    return (placed.body as { id: string }).id;
  };

  const list = async (query: string): Promise<AdminInvoicePage> =>
    (await shop.http.get(`/v1/admin/invoices?${query}`).auth(admin, BEARER).expect(200))
      .body as AdminInvoicePage;

  const invoice = async (id: string): Promise<AdminInvoiceView> =>
    (await shop.http.get(`/v1/admin/invoices/${id}`).auth(admin, BEARER).expect(200))
      .body as AdminInvoiceView;

  const invoiceOfOrder = (orderId: string): Promise<AdminInvoiceView> =>
    waitFor(async () => (await list(`orderId=${orderId}`)).items[0], `the invoice of order ${orderId}`);

  const pay = (customer: Customer, invoiceId: string, paymentToken = 'tok_success') =>
    shop.http.post(`/v1/invoices/${invoiceId}/pay`).auth(customer.token, BEARER).send({ paymentToken });

  const voidInvoice = (id: string, reason: unknown = 'Issued by mistake (ticket 4711).') =>
    shop.http.post(`/v1/admin/invoices/${id}/void`).auth(admin, BEARER).send({ reason });

  const refund = (id: string, reason: unknown = 'Charged twice; refund agreed with the customer.') =>
    shop.http.post(`/v1/admin/payments/${id}/refund`).auth(admin, BEARER).send({ reason });

  /** An order paid with tok_success: its invoice (paid) and its captured payment. */
  const paidOrder = async (customer: Customer) => {
    const orderId = await placeOrder(customer);
    const open = await invoiceOfOrder(orderId);
    await pay(customer, open.id).expect(200);
    const paid = await invoice(open.id);
    return { orderId, invoice: paid, paymentId: paid.payments[0]?.id ?? '' };
  };

  const expectProblem = (
    response: { status: number; headers: Record<string, string>; body: unknown },
    status: number,
    code?: string,
  ): Problem => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.body as Problem;
    if (code !== undefined) {
      expect(problem.code).toBe(code);
    }
    return problem;
  };

  const recordsOf = async (type: string, match: (r: ReadRecord) => boolean): Promise<ReadRecord[]> =>
    (await reader.readAll(`${prefix}${type}`)).filter(match);

  const payloadOf = (r: ReadRecord) => JSON.parse(r.value ?? '{}') as Record<string, unknown>;

  /** The dead letter of an event, once billing's consumer parked it. */
  const deadLetter = (type: string, eventId: string) =>
    waitFor(
      async () => (await recordsOf(`${type}.dlq`, (r) => r.headers.ce_id === eventId))[0],
      `${type} ${eventId} in the DLQ`,
    );

  const orderStatus = (customer: Customer, orderId: string, status: string) =>
    waitFor(async () => {
      const r = await shop.http.get(`/v1/orders/${orderId}`).auth(customer.token, BEARER);
      return (r.body as { status: string }).status === status ? true : undefined;
    }, `order ${orderId} ${status}`);

  const sagaStatus = async (orderId: string): Promise<string | undefined> => {
    const rows: { status: string }[] = await db.query(
      'SELECT status FROM saga.instance WHERE order_id = $1',
      [orderId],
    );
    return rows[0]?.status;
  };

  const count = async (sql: string, params: unknown[]): Promise<number> => {
    const rows: { n: string }[] = await db.query(sql, params);
    return Number(rows[0]?.n);
  };

  it('lists invoices across tenants newest first in keyset pages, by status, tenant and order; admins only', async () => {
    const alice = await shop.customer();
    const bob = await shop.customer();
    const alicePaid = await paidOrder(alice);
    const aliceOpen = await invoiceOfOrder(await placeOrder(alice));
    const bobOpen = await invoiceOfOrder(await placeOrder(bob));

    await shop.http.get('/v1/admin/invoices').auth(alice.token, BEARER).expect(403);
    await shop.http.get('/v1/admin/invoices').expect(401);

    // Both tenants on one page, newest first.
    const all = await list('limit=200');
    const ids = all.items.map((i) => i.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(ids).toEqual(expect.arrayContaining([alicePaid.invoice.id, aliceOpen.id, bobOpen.id]));
    expect(all.items.find((i) => i.id === bobOpen.id)?.tenantId).toBe(bob.accountId);
    // Every invoice of the database (this suite's own) is listed.
    expect(await count('SELECT count(*) AS n FROM billing.invoice', [])).toBe(all.items.length);

    // One tenant, one invoice a page: every invoice once, newest first, then no cursor.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: AdminInvoicePage = await list(
        `tenantId=${alice.accountId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([aliceOpen.id, alicePaid.invoice.id]);

    const paid = await list(`tenantId=${alice.accountId}&status=paid`);
    expect(paid.items.map((i) => i.id)).toEqual([alicePaid.invoice.id]);
    expect(paid.nextCursor).toBeNull();
    const item = paid.items[0];
    expect(item).toMatchObject({
      tenantId: alice.accountId,
      orderId: alicePaid.orderId,
      status: 'paid',
      currency: 'EUR',
      voidedAt: null,
      voidRequestedAt: null,
    });
    expect(item?.totalMinor).toBe(item ? item.subtotalMinor + item.taxMinor - item.creditAppliedMinor : -1);
    expect(item?.paidAt).toEqual(expect.any(String));
    expect(item?.createdAt).toEqual(expect.any(String));
    expect(item?.payments).toEqual([
      expect.objectContaining({
        id: alicePaid.paymentId,
        status: 'captured',
        refunded: false,
        amountMinor: item?.totalMinor,
        refundRequestedAt: null,
      }),
    ]);
    expect((await list(`orderId=${bobOpen.orderId}`)).items.map((i) => i.id)).toEqual([bobOpen.id]);
    expect((await list(`tenantId=${bob.accountId}&status=voided`)).items).toEqual([]);
    // The single invoice reads as it does in the list.
    expect(await invoice(alicePaid.invoice.id)).toEqual(item);

    expectProblem(await shop.http.get('/v1/admin/invoices?limit=201').auth(admin, BEARER), 400);
    expectProblem(await shop.http.get('/v1/admin/invoices?status=lost').auth(admin, BEARER), 400);
    expectProblem(await shop.http.get('/v1/admin/invoices?cursor=nope').auth(admin, BEARER), 400);
    expectProblem(
      await shop.http.get(`/v1/admin/invoices/${randomUUID()}`).auth(admin, BEARER),
      404,
      'invoice-not-found',
    );
  });

  it("refunds a completed order's payment on an operator's word: the command carries who and why, the saga stays completed", async () => {
    const alice = await shop.customer();
    const { orderId, invoice: paid, paymentId } = await paidOrder(alice);
    await orderStatus(alice, orderId, 'completed');
    const reason = 'Customer charged twice; refund agreed on the phone (ticket 815).';

    const accepted = await refund(paymentId, reason).expect(202);
    const { requestId, eventId } = accepted.body as OperatorRequestAccepted;
    expect(requestId).toEqual(expect.any(String));

    const refunded = await waitFor(async () => {
      const view = await invoice(paid.id);
      return view.payments[0]?.refunded ? view : undefined;
    }, 'the payment refunded');
    expect(refunded.payments[0]).toMatchObject({ id: paymentId, status: 'refunded', refunded: true });
    expect(refunded.payments[0]?.refundRequestedAt).toEqual(expect.any(String));
    const rows: { status: string }[] = await db.query('SELECT status FROM billing.payment WHERE id = $1', [
      paymentId,
    ]);
    expect(rows).toEqual([{ status: 'refunded' }]);
    expect(
      await count('SELECT count(*) AS n FROM billing.refund WHERE payment_id = $1 AND id = $2', [
        paymentId,
        requestId,
      ]),
    ).toBe(1);

    // payment.refunded on the topic, keyed by the tenant, naming the operator's refund.
    const onTopic = await waitFor(async () => {
      const found = await recordsOf('payment.refunded', (r) => payloadOf(r).paymentId === paymentId);
      return found.length > 0 ? found : undefined;
    }, 'payment.refunded on its topic');
    const [record, ...others] = onTopic;
    expect(others).toEqual([]);
    expect(record?.key).toBe(alice.accountId);
    expect(record && payloadOf(record)).toMatchObject({
      refundId: requestId,
      orderId,
      reason: 'operator',
      amountMinor: paid.totalMinor,
    });

    // The command in the audit log: who asked, and why, in their words.
    const logged = await waitFor(async () => {
      const found: { payload: EventData<'payment.refund_requested'>; source: string; version: number }[] =
        await db.query(
          `SELECT payload, source, version FROM audit.event_log
           WHERE event_id = $1 AND NOT is_dead_letter`,
          [eventId],
        );
      return found[0];
    }, 'the refund request in the audit log');
    expect(logged.source).toBe('billing');
    expect(logged.version).toBe(2);
    expect(logged.payload).toEqual({
      refundId: requestId,
      paymentId,
      invoiceId: paid.id,
      orderId,
      reason: 'operator',
      requestedBy: adminUserId,
      note: reason,
    });
    const recorded: { requested_by: string; note: string; event_id: string }[] = await db.query(
      'SELECT requested_by, note, event_id FROM billing.operator_request WHERE id = $1',
      [requestId],
    );
    expect(recorded).toEqual([{ requested_by: adminUserId, note: reason, event_id: eventId }]);

    // The saga had finished: the refund changes nothing there (the service is its subscription's now).
    expect(await sagaStatus(orderId)).toBe('completed');
    expectProblem(await refund(paymentId), 409, 'payment-already-refunded');
  });

  it('voids an open invoice on an operator’s word: the saga cancels the order, and the invoice cannot be paid', async () => {
    const bob = await shop.customer();
    const orderId = await placeOrder(bob);
    const open = await invoiceOfOrder(orderId);
    await waitFor(async () => ((await sagaStatus(orderId)) === 'running' ? true : undefined), 'the saga');

    const accepted = await voidInvoice(open.id, 'Duplicate order; the customer asked us to drop it.').expect(
      202,
    );
    const { eventId } = accepted.body as OperatorRequestAccepted;
    const voided = await waitFor(async () => {
      const view = await invoice(open.id);
      return view.status === 'voided' ? view : undefined;
    }, 'the invoice voided');
    expect(voided).toMatchObject({ voidReason: 'operator', voidedAt: expect.any(String) as string });
    expect(voided.voidRequestedAt).toEqual(expect.any(String));

    // The saga read invoice.voided it did not ask for: its usual compensation cancels the order.
    await orderStatus(bob, orderId, 'cancelled');
    await waitFor(
      async () => ((await sagaStatus(orderId)) === 'failed' ? true : undefined),
      'the saga closed',
    );
    expectProblem(await pay(bob, open.id), 409, 'invoice-not-payable');
    expectProblem(await voidInvoice(open.id), 409, 'invoice-already-voided');

    const logged = await waitFor(async () => {
      const found: { payload: EventData<'invoice.void_requested'> }[] = await db.query(
        'SELECT payload FROM audit.event_log WHERE event_id = $1',
        [eventId],
      );
      return found[0];
    }, 'the void request in the audit log');
    expect(logged.payload).toMatchObject({
      invoiceId: open.id,
      reason: 'operator',
      requestedBy: adminUserId,
      note: 'Duplicate order; the customer asked us to drop it.',
    });

    // The operators' trail (audit's, from the command): who and why, on the order's record.
    const trail = await waitFor(async () => {
      const page = (await shop.http.get('/v1/admin/audit/actions?limit=200').auth(admin, BEARER).expect(200))
        .body as {
        items: {
          action: string;
          actor: { userId: string };
          orderId: string | null;
          reason: string | null;
          detail: string | null;
          targetEventId: string | null;
        }[];
      };
      return page.items.find((a) => a.targetEventId === eventId);
    }, 'the void in the operators’ trail');
    expect(trail).toMatchObject({
      action: 'invoice.void',
      actor: { userId: adminUserId },
      orderId,
      reason: 'Duplicate order; the customer asked us to drop it.',
      detail: `invoice ${open.id}`,
    });
  });

  it('refuses as problem+json: unknown ids 404, states that forbid the request 409, bad bodies 400', async () => {
    const carol = await shop.customer();
    const { invoice: paid, paymentId } = await paidOrder(carol);

    expectProblem(await voidInvoice(randomUUID()), 404, 'invoice-not-found');
    expectProblem(await refund(randomUUID()), 404, 'payment-not-found');
    const paidVoid = expectProblem(await voidInvoice(paid.id), 409, 'invoice-paid');
    expect(paidVoid.detail).toMatch(/refund the payment instead/);

    // A declined card leaves a failed payment on an open invoice: nothing to refund.
    const open = await invoiceOfOrder(await placeOrder(carol));
    await pay(carol, open.id, 'tok_declined').expect(402);
    const failedId = (await invoice(open.id)).payments[0]?.id ?? '';
    expectProblem(await refund(failedId), 409, 'payment-not-refundable');

    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 42 }]) {
      for (const path of [`payments/${paymentId}/refund`, `invoices/${open.id}/void`]) {
        expectProblem(await shop.http.post(`/v1/admin/${path}`).auth(admin, BEARER).send(body), 400);
      }
    }
    expectProblem(await shop.http.post('/v1/admin/invoices/nope/void').auth(admin, BEARER).send({}), 400);
    await shop.http
      .post(`/v1/admin/invoices/${open.id}/void`)
      .auth(carol.token, BEARER)
      .send({ reason: 'mine' })
      .expect(403);
    await shop.http
      .post(`/v1/admin/payments/${paymentId}/refund`)
      .auth(carol.token, BEARER)
      .send({ reason: 'mine' })
      .expect(403);
    // Nothing was asked of billing by any of these.
    expect(
      await count('SELECT count(*) AS n FROM billing.operator_request WHERE target_id = ANY($1::uuid[])', [
        [paid.id, paymentId, open.id, failedId],
      ]),
    ).toBe(0);
    expect((await invoice(paid.id)).payments[0]?.status).toBe('captured');
  });

  it('two operators refunding one payment at once: one 202, one 409, one refund', async () => {
    const dave = await shop.customer();
    const { orderId, paymentId } = await paidOrder(dave);
    await orderStatus(dave, orderId, 'completed');

    const answers = await Promise.all([
      refund(paymentId, 'first operator'),
      refund(paymentId, 'second operator'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const refused = answers.find((a) => a.status === 409);
    expect(['refund-already-requested', 'payment-already-refunded']).toContain(
      expectProblem(refused as (typeof answers)[number], 409).code,
    );

    await waitFor(
      async () =>
        (await count(`SELECT count(*) AS n FROM billing.payment WHERE id = $1 AND status = 'refunded'`, [
          paymentId,
        ])) === 1
          ? true
          : undefined,
      'the payment refunded',
    );
    expect(await count('SELECT count(*) AS n FROM billing.refund WHERE payment_id = $1', [paymentId])).toBe(
      1,
    );
    expect(
      await count('SELECT count(*) AS n FROM billing.operator_request WHERE target_id = $1', [paymentId]),
    ).toBe(1);
    const onTopic = await recordsOf('payment.refunded', (r) => payloadOf(r).paymentId === paymentId);
    expect(onTopic).toHaveLength(1);
  });

  it('an operator’s void and the customer’s payment of one invoice at once: never both', async () => {
    for (let round = 0; round < 3; round++) {
      const erin = await shop.customer();
      const orderId = await placeOrder(erin);
      const open = await invoiceOfOrder(orderId);
      const [voided, paid] = await Promise.all([voidInvoice(open.id, `race ${round}`), pay(erin, open.id)]);
      expect([202, 409]).toContain(voided.status);
      expect([200, 409]).toContain(paid.status);

      if (paid.status === 200) {
        // Paid: the void was refused at once (409), or it was asked before the payment and billing's consumer,
        // finding the invoice paid, dead-letters it with the reason instead of voiding.
        if (voided.status === 202) {
          const { eventId } = voided.body as OperatorRequestAccepted;
          const dead = await deadLetter('invoice.void_requested', eventId);
          expect(dead.headers[DLQ_HEADER.error]).toMatch(/invoice-paid/);
          expect(dead.headers[DLQ_HEADER.error]).toMatch(/refund the payment instead/);
        } else {
          expectProblem(voided, 409, 'invoice-paid');
        }
        const view = await invoice(open.id);
        expect(view.status).toBe('paid');
        expect(view.payments.map((p) => p.status)).toEqual(['captured']);
      } else {
        // Voided first: the payment was refused and nothing was captured.
        expect(voided.status).toBe(202);
        expectProblem(paid, 409, 'invoice-not-payable');
        const view = await waitFor(async () => {
          const v = await invoice(open.id);
          return v.status === 'voided' ? v : undefined;
        }, 'the invoice voided');
        expect(view.payments).toEqual([]);
      }
    }
  });

  it('a void the customer’s payment overtook is dead-lettered with its reason, never dropped or turned into a refund', async () => {
    const frank = await shop.customer();
    const { orderId, invoice: paid, paymentId } = await paidOrder(frank);
    // Completed first, so that the refund below is only the operator's (a saga still building would compensate).
    await orderStatus(frank, orderId, 'completed');
    // The command as the back office publishes it after its check, arriving once the invoice is paid.
    const command = await app
      .get(RelayHostService)
      .outboxOf('billing')
      .transaction((uow) =>
        uow.publish(
          'invoice.void_requested',
          {
            invoiceId: paid.id,
            orderId,
            reason: 'operator',
            requestedBy: adminUserId,
            note: 'Customer said they would not pay.',
          },
          { tenantId: frank.accountId, subject: paid.id },
        ),
      );
    const dead = await deadLetter('invoice.void_requested', command.id);
    expect(dead.headers[DLQ_HEADER.attempts]).toBe('1');
    expect(dead.headers[DLQ_HEADER.error]).toMatch(
      new RegExp(`invoice-paid: operator ${adminUserId}'s void of invoice ${paid.id} refused`),
    );
    const view = await invoice(paid.id);
    expect(view.status).toBe('paid');
    expect(view.payments).toEqual([expect.objectContaining({ id: paymentId, status: 'captured' })]);

    // Likewise a refund of a payment given back meanwhile (here: by the operator's first refund).
    await refund(paymentId).expect(202);
    await waitFor(
      async () => ((await invoice(paid.id)).payments[0]?.refunded ? true : undefined),
      'refunded',
    );
    const late = await app
      .get(RelayHostService)
      .outboxOf('billing')
      .transaction((uow) =>
        uow.publish(
          'payment.refund_requested',
          {
            refundId: randomUUID(),
            paymentId,
            invoiceId: paid.id,
            orderId,
            reason: 'operator',
            requestedBy: adminUserId,
            note: 'second thoughts',
          },
          { tenantId: frank.accountId, subject: paymentId },
        ),
      );
    const deadRefund = await deadLetter('payment.refund_requested', late.id);
    expect(deadRefund.headers[DLQ_HEADER.error]).toMatch(/payment-already-refunded/);
    expect(await count('SELECT count(*) AS n FROM billing.refund WHERE payment_id = $1', [paymentId])).toBe(
      1,
    );
    // With every payment given back, the paid invoice may now be voided.
    await voidInvoice(paid.id, 'Refunded in full; closing the invoice.').expect(202);
    await waitFor(async () => ((await invoice(paid.id)).status === 'voided' ? true : undefined), 'voided');
  });
});
