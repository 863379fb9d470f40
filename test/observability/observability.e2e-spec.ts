import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { DataSource } from 'typeorm';
import { SOURCE_MODULES } from '@app/contracts';
import { EventProducer, RelayHostService } from '@app/messaging';
import { createPlatformApp, shutdownTelemetry, startTelemetry } from '@app/platform';
import { MONOLITH } from '../../src/app.module.js';
import { closeIsolatedApp, uniquePrefix } from '../support/isolation.js';
import { waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the samples only. */
function parsePrometheus(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) {
        throw new Error(`not a Prometheus sample: ${line}`);
      }
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The sum of a series' samples whose labels include the given ones. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

interface PausableConsumer {
  pause(topics: { topic: string }[]): void;
  resume(topics: { topic: string }[]): void;
}

const METRICS_TOKEN = `mt_${randomUUID()}`;
const HANDLER_MODULES = ['orders', 'saga', 'billing', 'provisioning', 'notifications'];

describe('observability: one trace per order, Prometheus metrics (monolith, real Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('obs');
  const spans = new InMemorySpanExporter();
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let planId: string;
  let customer: { accountId: string; token: string };

  beforeAll(async () => {
    startTelemetry({
      serviceName: 'platforma',
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
    });
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      // One decline gives the order up, so the saga's step-failure series has something to count.
      PAYMENT_MAX_DECLINES: '1',
      METRICS_TOKEN,
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    planId = (await shop.publishPlan(await shop.adminToken())).id;
    await shop.planKnown(planId);
    customer = await shop.customer();
    // An order that overtakes its account is invoiced later, in the trace of the account's sign-up.
    await waitFor(async () => {
      const known = await Promise.all(
        ['billing', 'saga'].map((schema) =>
          db.query<unknown[]>(`SELECT 1 FROM ${schema}.account_view WHERE account_id = $1`, [
            customer.accountId,
          ]),
        ),
      );
      return known.every((rows) => rows.length > 0) ? true : undefined;
    }, 'the account in the billing and saga read models');
  });

  afterAll(async () => {
    await closeIsolatedApp(app, prefix);
    await shutdownTelemetry();
  });

  const bearer = { type: 'bearer' } as const;

  async function placeOrder(): Promise<{ orderId: string; traceresponse: string }> {
    const response = await shop.http
      .post('/v1/orders')
      .auth(customer.token, bearer)
      .send(shop.orderBody(planId))
      .expect(201);
    return {
      orderId: (response.body as { id: string }).id,
      traceresponse: String(response.headers.traceresponse),
    };
  }

  const invoiceOf = (orderId: string) => shop.invoiceOf(customer.token, orderId);

  const sagaEnds = (orderId: string, status: 'completed' | 'failed') =>
    waitFor(async () => {
      const rows: { status: string }[] = await db.query(
        'SELECT status FROM saga.instance WHERE order_id = $1',
        [orderId],
      );
      return rows[0]?.status === status ? true : undefined;
    }, `saga of ${orderId} ${status}`);

  /** The order's events as the modules' outboxes hold them, this suite's topics only. */
  const outboxEvents = async (orderId: string) => {
    const rows = await Promise.all(
      SOURCE_MODULES.map((schema) =>
        db.query<{ topic: string; key: string; headers: Record<string, string>; payload: string }[]>(
          `SELECT topic, key, headers, payload FROM "${schema}".outbox
           WHERE starts_with(topic, $1) AND strpos(payload, $2) > 0`,
          [prefix, orderId],
        ),
      ),
    );
    return rows.flat().map((r) => ({ ...r, type: r.headers.ce_type ?? '' }));
  };

  const scrape = async (): Promise<Sample[]> => {
    const response = await shop.http.get('/metrics').auth(METRICS_TOKEN, bearer).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return parsePrometheus(response.text);
  };

  let order: { orderId: string; traceId: string };

  it('places an order as ONE trace: the POST /v1/orders span is the root of every Kafka hop and handler', async () => {
    const { orderId, traceresponse } = await placeOrder();
    const traceId = traceresponse.split('-')[1] ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    order = { orderId, traceId };
    const invoice = await invoiceOf(orderId);
    // The storefront pays in a second request and continues the order's trace, as a browser with tracing would.
    await shop.http
      .post(`/v1/invoices/${invoice.id}/pay`)
      .auth(customer.token, bearer)
      .set('traceparent', traceresponse)
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    await sagaEnds(orderId, 'completed');

    const moduleOf = (s: ReadableSpan) => s.attributes['platforma.module'];
    const isHandler = (s: ReadableSpan) => s.name.startsWith('handle ');
    const trace = await waitFor(
      async () => {
        await Promise.resolve();
        const found = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
        const ids = new Set(found.map((s) => s.spanContext().spanId));
        const connected = found.every((s) => !s.parentSpanContext || ids.has(s.parentSpanContext.spanId));
        const consumed = found.filter(isHandler);
        const modules = new Set(consumed.map(moduleOf));
        const events = new Set(consumed.map((s) => String(s.attributes['platforma.event.type'])));
        return connected &&
          HANDLER_MODULES.every((m) => modules.has(m)) &&
          events.has('notification.requested')
          ? found
          : undefined;
      },
      'the order trace to reach every module',
      30_000,
      250,
    );

    const roots = trace.filter((s) => !s.parentSpanContext);
    expect(roots.map((s) => [s.name, s.kind])).toEqual([['POST /v1/orders', SpanKind.SERVER]]);
    expect(roots[0]?.attributes).toMatchObject({
      'http.route': '/v1/orders',
      'http.response.status_code': 201,
    });
    expect(trace.map((s) => s.name)).toContain('POST /v1/invoices/:id/pay');
    expect(trace.every((s) => s.resource.attributes['service.name'] === 'platforma')).toBe(true);

    // Every hop: the relay's span per outbox row and the module's handler span below it, continuing the record's
    // traceparent. kafkajs's instrumentation gives each fetched batch a `receive` span of its own (records of several
    // orders may share a batch), with a `process` span per record that links to the record's span.
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan | undefined) => byId.get(s?.parentSpanContext?.spanId ?? '');
    const shape = (s: ReadableSpan | undefined) =>
      s && { name: s.name, kind: s.kind, scope: s.instrumentationScope.name };
    const KAFKAJS = '@opentelemetry/instrumentation-kafkajs';
    const all = spans.getFinishedSpans();
    const consumers = trace.filter(isHandler);
    expect(consumers.length).toBeGreaterThan(10);
    for (const consumer of consumers) {
      const topic = consumer.name.replace(/^handle /, '');
      const publish = parentOf(consumer);
      expect([consumer, publish].map(shape)).toEqual([
        { name: `handle ${topic}`, kind: SpanKind.CONSUMER, scope: '@app/messaging' },
        { name: `publish ${topic}`, kind: SpanKind.PRODUCER, scope: '@app/messaging' },
      ]);
      const processed = all.filter(
        (s) =>
          s.name === `process ${topic}` &&
          s.links.some((l) => l.context.spanId === publish?.spanContext().spanId),
      );
      expect(processed.map(shape)).toContainEqual({
        name: `process ${topic}`,
        kind: SpanKind.CONSUMER,
        scope: KAFKAJS,
      });
    }
    // Each record went out in a relay's produce request: kafkajs's send span, below the relay's span, links to it.
    // (The consumers' process spans link to it too, and may finish first: the send is kafkajs's producer span.)
    const spanOf = new Map(all.map((s) => [s.spanContext().spanId, s]));
    for (const publish of trace.filter((s) => s.name.startsWith('publish '))) {
      const topic = publish.name.replace(/^publish /, '');
      const send = all.find(
        (s) =>
          s.kind === SpanKind.PRODUCER &&
          s.instrumentationScope.name === KAFKAJS &&
          s.links.some((l) => l.context.spanId === publish.spanContext().spanId),
      );
      const relay = spanOf.get(send?.parentSpanContext?.spanId ?? '');
      expect([send, relay].map(shape)).toEqual([
        { name: `send ${topic}`, kind: SpanKind.PRODUCER, scope: KAFKAJS },
        {
          name: `relay ${String(publish.attributes['platforma.module'])}`,
          kind: SpanKind.INTERNAL,
          scope: '@app/messaging',
        },
      ]);
      expect(send?.attributes['messaging.message.id']).toBe(publish.attributes['messaging.message.id']);
    }
    // The domain services' own spans (nestjs-otel's @Span), each inside the request or handler that ran it.
    const decorated = trace.filter((s) => s.instrumentationScope.name === 'nestjs-otel');
    expect(new Set(decorated.map((s) => s.name))).toEqual(
      new Set([
        'orders.create',
        'saga.start',
        'saga.advance',
        'billing.invoice_order',
        'billing.pay',
        'provisioning.request_build',
        'notifications.request',
      ]),
    );
    expect(decorated.every((s) => parentOf(s) !== undefined)).toBe(true);
    const handled = (type: string) =>
      consumers.filter((s) => s.attributes['platforma.event.type'] === type).map(moduleOf);
    expect(handled('order.created')).toEqual(expect.arrayContaining(['saga', 'billing']));
    expect(handled('payment.received')).toEqual(expect.arrayContaining(['saga', 'orders']));
    expect(handled('provisioning.requested')).toEqual(['provisioning']);
    expect(handled('notification.requested')).toEqual(['notifications']);

    // The traceparent travels in each outbox row, so the relay continues the trace of whoever wrote the row.
    const log = await outboxEvents(orderId);
    expect(log.length).toBeGreaterThan(5);
    for (const event of log) {
      expect({ type: event.type, trace: event.headers.traceparent?.split('-')[1] }).toEqual({
        type: event.type,
        trace: traceId,
      });
    }
  });

  it('serves /metrics with every named series non-zero after an order', async () => {
    await shop.http.get('/metrics').expect(401);
    expect(order).toBeDefined();
    const producer = app.get(EventProducer);

    // Redelivery: the payment arrives again with the same event id, and the inboxes skip it.
    const log = await outboxEvents(order.orderId);
    const again = log.filter((e) => e.type === 'payment.received');
    await producer.send(
      again.map((e) => ({ topic: e.topic, key: e.key, value: e.payload, headers: e.headers })),
    );
    // A record that is not an event at all goes to the DLQ.
    const orderCreated = `${prefix}order.created`;
    await producer.send([{ topic: orderCreated, key: 'garbage', value: 'not json', headers: {} }]);
    await waitFor(async () => {
      const samples = await scrape();
      const duplicates = total(samples, 'platforma_inbox_duplicates_total', {
        event_type: 'payment.received',
      });
      const dead = total(samples, 'platforma_dlq_records_total', {
        topic: orderCreated,
        reason: 'malformed',
      });
      return duplicates > 0 && dead > 0 ? true : undefined;
    }, 'the duplicate and the dead letter counted');

    // Lag: the notifications group stops reading order.created while another order comes in.
    const notifications = MONOLITH.domains.findIndex((d) => d.domain.name === 'notifications');
    const consumer = app.getMicroservices()[notifications]?.unwrap<PausableConsumer>();
    if (!consumer) {
      throw new Error('the notifications consumer is not running');
    }
    consumer.pause([{ topic: orderCreated }]);
    const declined = await placeOrder();
    const invoice = await invoiceOf(declined.orderId);
    await shop.http
      .post(`/v1/invoices/${invoice.id}/pay`)
      .auth(customer.token, bearer)
      .send({ paymentToken: 'tok_declined' })
      .expect(402);
    await sagaEnds(declined.orderId, 'failed');
    // Backlog: a row the broker refuses (no such topic) stays in the catalog's outbox.
    await app
      .get(RelayHostService)
      .outboxOf('catalog')
      .transaction((uow) =>
        uow.publishRaw(`${prefix}observability.missing`, 'k', { ce_id: randomUUID() }, '{}'),
      );

    const notificationsLag = { group: `${prefix}platforma.notifications`, topic: orderCreated };
    const samples = await waitFor(async () => {
      const found = await scrape();
      return total(found, 'platforma_consumer_lag', notificationsLag) > 0 &&
        total(found, 'platforma_outbox_backlog', { module: 'catalog' }) > 0
        ? found
        : undefined;
    }, 'lag and backlog');
    const series = {
      httpOrders: total(samples, 'http_server_request_duration_seconds_count', {
        http_request_method: 'POST',
        http_route: '/v1/orders',
        http_response_status_code: '201',
      }),
      consumerLag: total(samples, 'platforma_consumer_lag', notificationsLag),
      outboxBacklog: total(samples, 'platforma_outbox_backlog', { module: 'catalog' }),
      publishDelayCount: total(samples, 'platforma_outbox_publish_delay_seconds_count', { module: 'orders' }),
      publishDelaySum: total(samples, 'platforma_outbox_publish_delay_seconds_sum', { module: 'orders' }),
      inboxDuplicates: total(samples, 'platforma_inbox_duplicates_total'),
      dlqRecords: total(samples, 'platforma_dlq_records_total'),
      sagaCompleted: total(samples, 'platforma_saga_duration_seconds_count', { outcome: 'completed' }),
      sagaFailed: total(samples, 'platforma_saga_duration_seconds_count', { outcome: 'failed' }),
      sagaDurationSum: total(samples, 'platforma_saga_duration_seconds_sum'),
      stepFailures: total(samples, 'platforma_saga_step_failures_total'),
      kafkaProduce: total(samples, 'platforma_kafka_requests_total', { api: 'Produce' }),
      kafkaFetch: total(samples, 'platforma_kafka_requests_total', { api: 'Fetch' }),
      kafkaOffsetCommit: total(samples, 'platforma_kafka_requests_total', { api: 'OffsetCommit' }),
    };
    for (const [name, value] of Object.entries(series)) {
      expect({ name, nonZero: value > 0 }).toEqual({ name, nonZero: true });
    }
    expect(series.httpOrders).toBeGreaterThanOrEqual(2);

    // The gauge follows the group: once it reads again, its lag on the topic goes back to zero.
    consumer.resume([{ topic: orderCreated }]);
    await waitFor(
      async () =>
        total(await scrape(), 'platforma_consumer_lag', notificationsLag) === 0 ? true : undefined,
      'the notifications group to catch up',
    );
  });
});
