import { randomBytes } from 'node:crypto';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import { EventLogEntry } from './entities/event-log-entry.entity.js';
import { EventLogRepository, type EventSearch } from './event-log.repository.js';
import { containments, payloadId } from './payload-search.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const ROWS = 100_000;
/** Ten events per order, in the order a saga produces them. */
const PER_ORDER = 10;
const ACCOUNTS = 2_000;
const BASE = new Date('2026-06-01T00:00:00.000Z');

/**
 * The search runs on indexes, not on a scan of the log: 100 000 records of realistic payloads go straight into
 * audit.event_log of this suite's own database, and the repository's own statements are planned (EXPLAIN) and run.
 */
describe(`${EventLogRepository.name} search over ${ROWS} logged events`, () => {
  const prefix = `t.audit-search.${randomBytes(4).toString('hex')}.`;
  let db: DataSource;
  let log: EventLogRepository;

  /** The ids of the generator's order k, as the INSERT below derives them. */
  const ids = async (k: number) => {
    const [row] = await db.query<
      [{ order: string; invoice: string; payment: string; service: string; account: string }]
    >(
      `SELECT md5($1 || 'order' || $2::int)::uuid::text AS "order",
              md5($1 || 'invoice' || $2::int)::uuid::text AS invoice,
              md5($1 || 'payment' || $2::int)::uuid::text AS payment,
              md5($1 || 'service' || $2::int)::uuid::text AS service,
              md5($1 || 'account' || ($2::int % $3::int))::uuid::text AS account`,
      [prefix, k, ACCOUNTS],
    );
    return row;
  };

  beforeAll(async () => {
    db = new DataSource(
      dataSourceOptions({
        url: process.env.DATABASE_URL ?? '',
        poolSize: 2,
        logging: false,
        entities: [EventLogEntry],
      }),
    );
    await db.initialize();
    log = new EventLogRepository(db);
    // Record n is event n % 10 of order k = n / 10; the ids are md5 UUIDs salted with the prefix, one account per
    // 2 000 orders' worth; occurred_at one second apart.
    await db.query(
      `INSERT INTO audit.event_log (event_id, type, topic, partition, "offset", tenant_id, correlation_id, order_id,
         occurred_at, headers, payload)
       SELECT md5($1 || 'event' || n)::uuid::text, t.type, $1 || t.type, n % 3, n, a.id, o.id, o.id,
              $2::timestamptz + n * interval '1 second', jsonb_build_object('ce_type', t.type), p.payload
       FROM generate_series(0, $3::int - 1) AS n
       CROSS JOIN LATERAL (SELECT n / ${PER_ORDER} AS k, n % ${PER_ORDER} AS step) AS s
       CROSS JOIN LATERAL (SELECT md5($1 || 'order' || s.k)::uuid::text AS id) AS o
       CROSS JOIN LATERAL (SELECT md5($1 || 'invoice' || s.k)::uuid::text AS id) AS i
       CROSS JOIN LATERAL (SELECT md5($1 || 'payment' || s.k)::uuid::text AS id) AS pay
       CROSS JOIN LATERAL (SELECT md5($1 || 'service' || s.k)::uuid::text AS id) AS svc
       CROSS JOIN LATERAL (SELECT md5($1 || 'account' || (s.k % ${ACCOUNTS}))::uuid::text AS id) AS a
       CROSS JOIN LATERAL (SELECT (ARRAY['order.created', 'invoice.generated', 'payment.received',
         'order.confirmed', 'provisioning.requested', 'provisioning.started', 'provisioning.completed',
         'order.completed', 'notification.requested', 'saga.completed'])[s.step + 1] AS type) AS t
       CROSS JOIN LATERAL (SELECT CASE s.step
         WHEN 0 THEN jsonb_build_object('orderId', o.id, 'accountId', a.id, 'planId', md5('plan')::uuid::text,
           'hostname', 'web-' || s.k || '.example.com', 'priceMinor', 1299, 'currency', 'EUR',
           'region', 'eu-central-1', 'image', 'ubuntu-24.04', 'billingCycle', 'monthly', 'setupFeeMinor', 0)
         WHEN 1 THEN jsonb_build_object('invoiceId', i.id, 'orderId', o.id, 'accountId', a.id, 'lines',
           jsonb_build_array(jsonb_build_object('description', 'VPS 2 vCPU', 'amountMinor', 100000 + s.k,
             'quantity', 1)))
         WHEN 2 THEN jsonb_build_object('paymentId', pay.id, 'invoiceId', i.id, 'orderId', o.id,
           'amountMinor', 100000 + s.k, 'providerReference', 'bt_' || md5('ref' || s.k))
         WHEN 3 THEN jsonb_build_object('orderId', o.id, 'invoiceId', i.id, 'paymentId', pay.id)
         WHEN 4 THEN jsonb_build_object('orderId', o.id, 'serviceId', svc.id, 'accountId', a.id,
           'resources', jsonb_build_object('vcpus', 2, 'memoryMb', 4096, 'diskGb', 80))
         WHEN 5 THEN jsonb_build_object('orderId', o.id, 'serviceId', svc.id)
         WHEN 6 THEN jsonb_build_object('orderId', o.id, 'serviceId', svc.id,
           'credentialsSecretId', md5($1 || 'secret' || s.k)::uuid::text)
         WHEN 7 THEN jsonb_build_object('orderId', o.id, 'serviceId', svc.id)
         WHEN 8 THEN jsonb_build_object('notificationId', md5($1 || 'notification' || s.k)::uuid::text,
           'accountId', a.id, 'template', 'service_ready',
           'variables', jsonb_build_object('orderId', o.id, 'name', 'Example GmbH'))
         ELSE jsonb_build_object('sagaId', md5($1 || 'saga' || s.k)::uuid::text, 'orderId', o.id,
           'serviceId', svc.id)
       END AS payload) AS p`,
      [prefix, BASE, ROWS],
    );
    await db.query('ANALYZE audit.event_log');
  }, 300_000);

  afterAll(async () => {
    // The rows go with the suite's database.
    await db.destroy();
  });

  const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

  const planOf = async (q: SelectQueryBuilder<EventLogEntry>): Promise<PlanNode[]> => {
    const [sql, params] = q.getQueryAndParameters();
    const [row] = await db.query<[{ 'QUERY PLAN': [{ Plan: PlanNode }] }]>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      params,
    );
    return nodesOf(row['QUERY PLAN'][0].Plan);
  };

  /**
   * The statement search() runs reads the log through one of `indexes`, and never scans it whole. The plan's
   * nodes on the log (e.g. "Bitmap Index Scan event_log_payload_ids_idx") show in a failure.
   */
  const expectIndexed = async (search: EventSearch, indexes: string[], before?: string) => {
    const plan = await planOf(log.searchQuery(search, 51, before));
    return expectOnIndexes(plan, indexes);
  };

  const expectOnIndexes = (plan: PlanNode[], indexes: string[]) => {
    const onLog = plan.filter(
      (n) => n['Relation Name'] === 'event_log' || n['Index Name']?.startsWith('event_log'),
    );
    const shown = onLog.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`.trim());
    expect(shown).not.toContain('Seq Scan');
    expect(shown).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(` (${indexes.join('|')})$`))]),
    );
    return plan;
  };

  const search = (s: EventSearch, limit = 50, before?: string) => log.search(s, limit, before);

  it('holds the suite’s records', async () => {
    const [{ n }] = await db.query<[{ n: number }]>('SELECT count(*)::int AS n FROM audit.event_log');
    expect(n).toBe(ROWS);
  });

  it('finds the records naming an order’s invoice, payment, service, account or order id by index', async () => {
    const k = 4_242;
    const order = await ids(k);
    const cases: [string, string[]][] = [
      [order.invoice, ['invoice.generated', 'payment.received', 'order.confirmed']],
      [order.payment, ['payment.received', 'order.confirmed']],
      [
        order.service,
        [
          'provisioning.requested',
          'provisioning.started',
          'provisioning.completed',
          'order.completed',
          'saga.completed',
        ],
      ],
      [
        order.order,
        [
          'order.created',
          'invoice.generated',
          'payment.received',
          'order.confirmed',
          'provisioning.requested',
          'provisioning.started',
          'provisioning.completed',
          'order.completed',
          'notification.requested', // names the order in variables.orderId only
          'saga.completed',
        ],
      ],
    ];
    for (const [id, types] of cases) {
      await expectIndexed({ payloadId: id }, ['event_log_payload_ids_idx']);
      // Upper case in, the stored lower case matched.
      const rows = await search({ payloadId: payloadId(id.toUpperCase()) });
      expect(rows.map((r) => r.type).sort()).toEqual([...types].sort());
      expect(rows.every((r) => r.orderId === order.order)).toBe(true);
    }
    // The account: every order k' ≡ k (mod 2 000) of it, four records each.
    await expectIndexed({ payloadId: order.account }, ['event_log_payload_ids_idx']);
    const accountRows = await search({ payloadId: order.account }, 200);
    expect(accountRows).toHaveLength((ROWS / PER_ORDER / ACCOUNTS) * 4);
    expect(new Set(accountRows.map((r) => r.type))).toEqual(
      new Set(['order.created', 'invoice.generated', 'provisioning.requested', 'notification.requested']),
    );
    expect(await search({ payloadId: payloadId('0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01') })).toEqual([]);
  });

  it('finds the one record with a field’s value by index, nested fields and numbers included', async () => {
    const k = 7_007;
    const order = await ids(k);
    const cases: [string, string, string][] = [
      ['hostname', `web-${k}.example.com`, 'order.created'],
      ['variables.orderId', order.order, 'notification.requested'],
      ['amountMinor', String(100_000 + k), 'payment.received'], // a number in the payload, text in the query
    ];
    for (const [path, value, type] of cases) {
      const s = { containsAnyOf: containments(path, value) };
      await expectIndexed(s, ['event_log_payload_idx']);
      const rows = await search(s);
      expect(rows.map((r) => [r.type, r.orderId])).toEqual([[type, order.order]]);
    }
    // With the type filter and the time range around the record: still by the payload index, still found.
    const narrowed: EventSearch = {
      containsAnyOf: containments('orderId', order.order),
      type: 'order.confirmed',
      from: new Date(BASE.getTime() + (k * PER_ORDER - 60) * 1000),
      to: new Date(BASE.getTime() + (k * PER_ORDER + 60) * 1000),
    };
    // Either index narrows it to a few rows; which one is the planner's call.
    await expectIndexed(narrowed, ['event_log_payload_idx', 'event_log_occurred_id_idx']);
    expect((await search(narrowed)).map((r) => r.type)).toEqual(['order.confirmed']);
    // A tenant of 500 records: its index or the ids' one, the planner's call again.
    await expectIndexed({ payloadId: order.order, type: 'order.completed', tenantId: order.account }, [
      'event_log_payload_ids_idx',
      'event_log_tenant_idx',
    ]);
    expect(
      (await search({ payloadId: order.order, type: 'order.completed', tenantId: order.account })).length,
    ).toBe(1);
  });

  it('pages a time range newest first by keyset on the time index, each record once', async () => {
    const from = new Date(BASE.getTime() + 50_000 * 1000);
    const to = new Date(BASE.getTime() + 50_137 * 1000);
    const range: EventSearch = { from, to };
    await expectIndexed(range, ['event_log_occurred_id_idx']);
    const seen: EventLogEntry[] = [];
    let before: string | undefined;
    for (;;) {
      const rows = await search(range, 31, before);
      const plan = await expectIndexed(range, ['event_log_occurred_id_idx'], before);
      // The cursor is a bound of the index scan (no OFFSET, no rows read and dropped to reach the page).
      const scan = plan.find((n) => n['Index Name'] === 'event_log_occurred_id_idx');
      expect(scan?.['Index Cond']).toContain(before ? 'ROW(occurred_at, id) < ROW(' : 'occurred_at <');
      seen.push(...rows.slice(0, 30));
      if (rows.length <= 30) {
        break;
      }
      before = rows[29]?.id;
    }
    expect(seen).toHaveLength(137);
    expect(new Set(seen.map((r) => r.id)).size).toBe(137);
    const times = seen.map((r) => r.occurredAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]).toBe(to.getTime() - 1000);
    expect(times.at(-1)).toBe(from.getTime());
    // The whole log's oldest hour, i.e. a range with most of the log after it: still the index, newest first.
    const early = await search({ from: BASE, to: new Date(BASE.getTime() + 3_600_000) }, 5);
    expect(early.map((r) => r.occurredAt.getTime())).toEqual(
      [3599, 3598, 3597, 3596, 3595].map((s) => BASE.getTime() + s * 1000),
    );
  });
});
