import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createPlatformApp } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { type SseMessage, SseStream } from '../support/sse.js';
import { Storefront } from '../support/storefront.js';

interface Customer {
  accountId: string;
  token: string;
}

interface HistoryLine {
  id: string;
  kind: string;
  status: string;
}

// GET /v1/orders/:id/events: the order's history, then each new line as the orders module records it from the
// events it consumes, against the real broker and database.
describe('order progress over Server-Sent Events (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('sse');
  const STREAMS_PER_ACCOUNT = 3;
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      // Five build steps far enough apart that a stream sees them one by one.
      PROVISIONING_SIMULATOR_STEP_MS: '150',
      ORDER_STREAM_HEARTBEAT_SECONDS: '1',
      ORDER_STREAMS_PER_ACCOUNT: String(STREAMS_PER_ACCOUNT),
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    db = app.get(DataSource);
    shop = new Storefront(app);
    const admin = await shop.adminToken();
    planId = (await shop.publishPlan(admin)).id;
    await shop.planKnown(planId);
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
  });

  const place = async (buyer: Customer): Promise<string> => {
    const placed = await shop.http
      .post('/v1/orders')
      .auth(buyer.token, { type: 'bearer' })
      .send(shop.orderBody(planId))
      .expect(201);
    return (placed.body as { id: string }).id;
  };

  const pay = async (buyer: Customer, invoiceId: string, paymentToken: string, status: number) => {
    await shop.http
      .post(`/v1/invoices/${invoiceId}/pay`)
      .auth(buyer.token, { type: 'bearer' })
      .send({ paymentToken })
      .expect(status);
  };

  const open = (buyer: Customer | undefined, orderId: string, lastEventId?: string) =>
    SseStream.open(`${baseUrl}/v1/orders/${orderId}/events`, buyer?.token, lastEventId);

  const history = (orderId: string): Promise<HistoryLine[]> =>
    db.query(
      `SELECT s.id::text AS id, kind, status FROM orders.order_step s WHERE order_id = $1 ORDER BY s.id`,
      [orderId],
    );

  const dataOf = (m: SseMessage) => JSON.parse(m.data) as Record<string, unknown>;

  /** Reads until a message of the kind arrives; returns everything read. */
  const until = async (stream: SseStream, event: string): Promise<SseMessage[]> => {
    const read: SseMessage[] = [];
    for (;;) {
      const m = await stream.next();
      if (!m) {
        throw new Error(`the stream ended before a ${event} event: ${JSON.stringify(read)}`);
      }
      read.push(m);
      if (m.event === event) {
        return read;
      }
    }
  };

  /** The stream must carry exactly the order's history, in its order, then end with the order's final status. */
  const expectWholeHistory = async (orderId: string, messages: SseMessage[], finalStatus: string) => {
    const lines = await history(orderId);
    const end = messages.at(-1);
    expect({ event: end?.event, data: end ? dataOf(end) : undefined }).toEqual({
      event: 'end',
      data: { status: finalStatus },
    });
    expect(messages.slice(0, -1).map((m) => [m.id, m.event])).toEqual(lines.map((l) => [l.id, l.kind]));
  };

  it('streams an order from placement to completed: invoice, a declined card, payment, build progress, end', async () => {
    const buyer = await shop.customer();
    const orderId = await place(buyer);
    const stream = await open(buyer, orderId);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toContain('no-cache');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');

    const first = await until(stream, 'invoice');
    const invoice = dataOf(first.at(-1) as SseMessage);
    const { id: invoiceId } = await shop.invoiceOf(buyer.token, orderId);
    expect(invoice).toMatchObject({ invoiceId, currency: 'EUR' });
    await pay(buyer, invoiceId, 'tok_declined', 402);
    const declined = await until(stream, 'payment');
    expect(dataOf(declined.at(-1) as SseMessage)).toMatchObject({
      outcome: 'failed',
      invoiceId,
      reason: 'card_declined',
      retryable: false,
    });
    await pay(buyer, invoiceId, 'tok_success', 200);
    const rest = await stream.untilEnd();
    const messages = [...first, ...declined, ...rest];

    await expectWholeHistory(orderId, messages, 'completed');
    const ids = messages.slice(0, -1).map((m) => BigInt(m.id ?? '0'));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    const statuses = messages.filter((m) => m.event === 'status').map((m) => dataOf(m).status);
    expect(statuses).toEqual(['pending', 'awaiting_payment', 'confirmed', 'provisioning', 'completed']);
    const payments = messages.filter((m) => m.event === 'payment').map((m) => dataOf(m).outcome);
    expect(payments).toEqual(['failed', 'received']);
    const percents = messages.filter((m) => m.event === 'progress').map((m) => dataOf(m).percent as number);
    expect(percents.length).toBeGreaterThanOrEqual(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    // The REST view of the order keeps to its status changes.
    const order = await shop.http
      .get(`/v1/orders/${orderId}`)
      .auth(buyer.token, { type: 'bearer' })
      .expect(200);
    expect((order.body as { steps: { status: string }[] }).steps.map((s) => s.status)).toEqual(statuses);

    // Over: resuming after the last event is 204 (an EventSource stops there); from the start, the same history.
    const resumed = await open(buyer, orderId, messages.at(-2)?.id);
    expect(resumed.status).toBe(204);
    const again = await open(buyer, orderId);
    expect((await again.untilEnd()).map((m) => [m.id, m.event, m.data])).toEqual(
      messages.map((m) => [m.id, m.event, m.data]),
    );
  });

  it('a client that reconnects with Last-Event-ID while the order moves misses nothing and repeats nothing', async () => {
    const buyer = await shop.customer();
    const orderId = await place(buyer);
    const { id: invoiceId } = await shop.invoiceOf(buyer.token, orderId);
    const paid = pay(buyer, invoiceId, 'tok_success', 200);
    const seen: SseMessage[] = [];
    let lastEventId: string | undefined;
    let connections = 0;
    let over = false;
    // Two messages per connection, then the connection drops; the client stops at `end`, or at 204 when it had
    // already read the line that ended the order before its connection dropped.
    while (!over) {
      const stream = await open(buyer, orderId, lastEventId);
      connections++;
      if (stream.status === 204) {
        break;
      }
      expect(stream.status).toBe(200);
      for (let i = 0; i < 2 && !over; i++) {
        const m = await stream.next();
        if (!m) {
          break;
        }
        over = m.event === 'end';
        if (!over) {
          seen.push(m);
          lastEventId = m.id;
        }
      }
      stream.close();
    }
    await paid;
    expect(connections).toBeGreaterThanOrEqual(4);
    const lines = await history(orderId);
    expect(seen.map((m) => [m.id, m.event])).toEqual(lines.map((l) => [l.id, l.kind]));
    expect(dataOf(seen.at(-1) as SseMessage)).toMatchObject({ status: 'completed' });
  });

  it('two streams open together and one opened midway carry the same history', async () => {
    const buyer = await shop.customer();
    const orderId = await place(buyer);
    const [a, b] = await Promise.all([open(buyer, orderId), open(buyer, orderId)]);
    const { id: invoiceId } = await shop.invoiceOf(buyer.token, orderId);
    const [fromA] = await Promise.all([until(a, 'payment'), pay(buyer, invoiceId, 'tok_success', 200)]);
    const late = await open(buyer, orderId);
    const [restA, fromB, fromLate] = await Promise.all([a.untilEnd(), b.untilEnd(), late.untilEnd()]);
    const all = [...fromA, ...restA];
    await expectWholeHistory(orderId, all, 'completed');
    expect(fromB).toEqual(all);
    expect(fromLate).toEqual(all);
  });

  it('ends with the cancellation when the customer cancels', async () => {
    const buyer = await shop.customer();
    const orderId = await place(buyer);
    const stream = await open(buyer, orderId);
    await until(stream, 'invoice');
    await shop.http.post(`/v1/orders/${orderId}/cancel`).auth(buyer.token, { type: 'bearer' }).expect(200);
    const messages = await stream.untilEnd();
    expect(messages.filter((m) => m.event === 'status').map((m) => dataOf(m).status)).toEqual(['cancelled']);
    const all = await open(buyer, orderId);
    await expectWholeHistory(orderId, await all.untilEnd(), 'cancelled');
  });

  it('refuses another tenant (404), no token (401) and a malformed Last-Event-ID (400), as problem+json', async () => {
    const [owner, other] = await Promise.all([shop.customer(), shop.customer()]);
    const orderId = await place(owner);
    for (const [stream, status, code] of [
      [await open(other, orderId), 404, 'order-not-found'],
      [await open(undefined, orderId), 401, undefined],
      [await open(owner, orderId, '12; DROP'), 400, 'invalid-last-event-id'],
      [await open(owner, 'not-a-uuid'), 400, undefined],
    ] as const) {
      expect({ status: stream.status, type: stream.headers.get('content-type') }).toEqual({
        status,
        type: expect.stringMatching(/^application\/problem\+json/) as string,
      });
      const problem = JSON.parse(stream.text) as { status: number; code?: string };
      expect(problem.status).toBe(status);
      if (code) {
        expect(problem.code).toBe(code);
      }
    }
  });

  it('keeps an idle stream alive with heartbeats, and refuses an account more streams than its share (429)', async () => {
    const buyer = await shop.customer();
    const orderId = await place(buyer);
    const streams = await Promise.all(
      Array.from({ length: STREAMS_PER_ACCOUNT }, () => open(buyer, orderId)),
    );
    expect(streams.map((s) => s.status)).toEqual(streams.map(() => 200));
    const refused = await open(buyer, orderId);
    expect(refused.status).toBe(429);
    expect((JSON.parse(refused.text) as { code: string }).code).toBe('too-many-order-streams');
    // Another account is not counted against this one.
    const other = await shop.customer();
    const theirs = await open(other, await place(other));
    expect(theirs.status).toBe(200);
    theirs.close();

    // Read the history; then nothing happens to the order, so only heartbeats come.
    await until(streams[0], 'invoice');
    const heartbeats = streams[0].comments.length;
    const wait = streams[0].next(2_500).catch((e: Error) => e);
    expect(await wait).toBeInstanceOf(Error);
    expect(streams[0].comments.slice(heartbeats)).toContain('heartbeat');

    streams[0].close();
    const freed = await (async () => {
      for (let i = 0; i < 40; i++) {
        const s = await open(buyer, orderId);
        if (s.status === 200) {
          return s;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    })();
    expect(freed?.status).toBe(200);
    for (const s of [...streams, freed]) {
      s?.close();
    }
  });
});
