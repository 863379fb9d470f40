import pg from 'pg';
import { type OrderStatus, type SagaStatus, SOURCE_MODULES } from '@app/contracts';
import {
  HypervisorInventory,
  HYPERVISOR_MISSING_CHECK,
  HYPERVISOR_ORPHANS_CHECK,
  HYPERVISOR_UNREACHABLE_CHECK,
} from './hypervisor-inventory.js';
import {
  DISAGREEMENT_CHECK,
  type Finding,
  type HypervisorSummary,
  type InvoiceFact,
  type InvoiceStatus,
  MONEY_KEPT_CHECK,
  MONEY_MISSING_CHECK,
  moneyOnOrders,
  ONCE_PER_INVOICE_CHECK,
  ONCE_PER_PAYMENT_CHECK,
  orderDisagreements,
  type OrderFact,
  orderInvoicesOf,
  type PaymentStatus,
  type ReconcileOptions,
  type ReconcileReport,
  type SagaFact,
  STUCK_CHECK,
  tally,
  TERMINAL_ORDER_EVENTS,
  TERMINAL_ORDER_STATUSES,
  VOIDED_KEPT_CHECK,
  voidedWithPaymentKept,
} from './reconcile.findings.js';

/** What a pg Pool or Client offers; the bench passes its own pool. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface DuplicateEffects {
  /** Invoices with more than one capture (a refunded payment was captured first). */
  captures: string[];
  /** Payments refunded more than once. */
  refunds: string[];
  /** Orders with more than one provisioned service. */
  services: string[];
  /** order + template of once-only notifications (credentials, confirmation, cancellation) requested twice. */
  notifications: string[];
  /** order + type of once-only events published twice under different event ids. */
  events: string[];
  /** Invoices voided (invoice.voided) twice under different event ids. */
  invoiceVoids: string[];
  /** Payments refunded (payment.refunded) twice under different event ids. */
  paymentRefundEvents: string[];
}

/** Notifications an order triggers at most once. */
const ONCE_PER_ORDER_TEMPLATES = ['vps-ready', 'order-cancelled'];
/** Events an order publishes at most once (renewals repeat payments and invoices, so those are checked by row). */
const ONCE_PER_ORDER_EVENTS = [...TERMINAL_ORDER_EVENTS, 'provisioning.completed', 'saga.completed'];
/**
 * An id field inside a payload, read as text: a deliberately malformed payload must not abort the query. `payload` is
 * text in the outboxes and jsonb (rendered with the same quoting) in the event log.
 */
const idInPayload = (field: string, payload = 'payload') =>
  `substring(${payload} from '"${field}"\\s*:\\s*"([0-9a-fA-F-]{36})"')`;
const ORDER_ID_IN_PAYLOAD = idInPayload('orderId');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAMPLES = 5;

/**
 * Reads one environment's database, every domain's tables and the audit event log, looking for lost or duplicated
 * events and effects, stuck sagas and orders whose status disagrees with their saga or events; and, when asked, what
 * the hypervisor nodes hold against provisioning's services. The topic prefix picks the environment's topics: its
 * orders are those whose order.created went to its topic, its outbox rows those bound for its topics. Read-only.
 */
export class Reconciler {
  private readonly hypervisors: HypervisorInventory;

  constructor(
    private readonly db: Queryable,
    hypervisors?: HypervisorInventory,
  ) {
    this.hypervisors = hypervisors ?? new HypervisorInventory(db);
  }

  /** The CLI: checks the hypervisors too unless told otherwise, when any node is enabled. */
  static async run(options: ReconcileOptions): Promise<ReconcileReport> {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
    try {
      const reconciler = new Reconciler(pool);
      const hypervisors = options.hypervisors ?? (await reconciler.hypervisors.hasNodes());
      return await reconciler.reconcile({ ...options, hypervisors });
    } finally {
      await pool.end();
    }
  }

  async reconcile(options: Omit<ReconcileOptions, 'databaseUrl'>): Promise<ReconcileReport> {
    const { prefix, graceSeconds, sinceHours } = options;
    const orderIds = await this.environmentOrders(prefix, sinceHours);
    const findings: Finding[] = [];
    findings.push(await this.unpublished(prefix, graceSeconds));
    const published = await this.publishedNotLogged(prefix, graceSeconds, sinceHours);
    findings.push(published.finding);
    const duplicates = await this.duplicateEffects(orderIds, prefix);
    findings.push(
      finding('invoices charged twice', duplicates.captures),
      finding('payments refunded twice', duplicates.refunds),
      finding('orders with two services', duplicates.services),
      finding('orders with a notification twice', duplicates.notifications),
      finding('orders with a once-only event twice', duplicates.events),
      finding(ONCE_PER_INVOICE_CHECK, duplicates.invoiceVoids),
      finding(ONCE_PER_PAYMENT_CHECK, duplicates.paymentRefundEvents),
    );
    const { orders, invoices, disagreements, money } = await this.disagreements(
      orderIds,
      prefix,
      graceSeconds,
    );
    findings.push(
      finding(MONEY_KEPT_CHECK, money.keptNotCompleted),
      finding(MONEY_MISSING_CHECK, money.completedWithoutMoney),
      finding(VOIDED_KEPT_CHECK, voidedWithPaymentKept(invoices)),
    );
    findings.push(await this.stuckSagas(graceSeconds));
    findings.push(
      finding(
        DISAGREEMENT_CHECK,
        disagreements.map((d) => `${d.orderId}: ${d.reason}`),
      ),
    );
    const hypervisors = options.hypervisors ? await this.hypervisorFindings(graceSeconds) : undefined;
    findings.push(...(hypervisors?.findings ?? []));
    return tally({
      prefix,
      orders: orderIds.length,
      terminalOrders: orders.filter((o) => TERMINAL_ORDER_STATUSES.includes(o.status)).length,
      eventsPublished: published.published,
      eventsLogged: published.logged,
      ...(hypervisors && { hypervisors: hypervisors.summary }),
      findings,
    });
  }

  /** Domains and volumes on the enabled nodes that no service owns, delivered services without their domain. */
  async hypervisorFindings(
    graceSeconds: number,
  ): Promise<{ findings: Finding[]; summary: HypervisorSummary }> {
    const found = await this.hypervisors.inspect(graceSeconds);
    return {
      findings: [
        finding(HYPERVISOR_ORPHANS_CHECK, found.orphans),
        finding(HYPERVISOR_MISSING_CHECK, found.missing),
        finding(HYPERVISOR_UNREACHABLE_CHECK, found.unreachable),
      ],
      summary: {
        nodes: found.nodes,
        unreachable: found.unreachable.length,
        domains: found.domains,
        volumes: found.volumes,
      },
    };
  }

  /** The environment's orders: those whose order.created went to its topic, by the outbox or the event log. */
  async environmentOrders(prefix: string, sinceHours: number): Promise<string[]> {
    const { rows } = await this.db.query<{ order_id: string | null }>(
      `SELECT ${ORDER_ID_IN_PAYLOAD} AS order_id FROM orders.outbox
        WHERE topic = $1::text || 'order.created' AND created_at > now() - $2::float8 * interval '1 hour'
       UNION
       SELECT order_id FROM audit.event_log
        WHERE topic = $1::text || 'order.created' AND NOT is_dead_letter
          AND occurred_at > now() - $2::float8 * interval '1 hour'`,
      [prefix, sinceHours],
    );
    return rows.flatMap((r) => (r.order_id && UUID.test(r.order_id) ? [r.order_id.toLowerCase()] : []));
  }

  /** Outbox rows of the environment older than the grace period and still not on the broker. */
  async unpublished(prefix: string, graceSeconds: number): Promise<Finding> {
    const union = SOURCE_MODULES.map(
      (s) =>
        `SELECT '${s}' || ' ' || topic || ' ' || event_id || coalesce(' (' || last_error || ')', '') AS row
           FROM "${s}".outbox
          WHERE published_at IS NULL AND starts_with(topic, $1)
            AND created_at < now() - $2::float8 * interval '1 second'`,
    ).join(' UNION ALL ');
    const { rows } = await this.db.query<{ row: string }>(union, [prefix, graceSeconds]);
    return finding(
      'outbox rows unpublished',
      rows.map((r) => r.row),
    );
  }

  /**
   * Published rows the event log never recorded: the relay marked them sent, yet the audit tap, which reads every
   * topic of the environment from the broker, did not see them. Rows published within the grace period may still be
   * on their way to the log.
   */
  async publishedNotLogged(
    prefix: string,
    graceSeconds: number,
    sinceHours: number,
  ): Promise<{ finding: Finding; published: number; logged: number }> {
    const union = SOURCE_MODULES.map(
      (s) =>
        `SELECT '${s}' AS schema, o.event_id::text AS event_id, o.topic,
                EXISTS (SELECT 1 FROM audit.event_log e
                         WHERE e.event_id = o.event_id::text AND e.topic = o.topic) AS logged
           FROM "${s}".outbox o
          WHERE o.published_at IS NOT NULL AND starts_with(o.topic, $1)
            AND o.published_at < now() - $2::float8 * interval '1 second'
            AND o.created_at > now() - $3::float8 * interval '1 hour'`,
    ).join(' UNION ALL ');
    const { rows } = await this.db.query<{
      schema: string;
      event_id: string;
      topic: string;
      logged: boolean;
    }>(union, [prefix, graceSeconds, sinceHours]);
    const missing = rows.filter((r) => !r.logged).map((r) => `${r.schema} ${r.topic} ${r.event_id}`);
    return {
      finding: finding('published events missing from the event log', missing),
      published: rows.length,
      logged: rows.length - missing.length,
    };
  }

  /**
   * Effects done twice for these orders: charges, refunds, services, emails, once-only events (per order, and
   * invoice.voided per invoice, payment.refunded per payment).
   */
  async duplicateEffects(orderIds: string[], prefix: string): Promise<DuplicateEffects> {
    const ids = async (sql: string, params: unknown[]): Promise<string[]> =>
      (await this.db.query<{ id: string }>(sql, params)).rows.map((r) => r.id);
    const captures = await ids(
      `SELECT p.invoice_id::text || ' (order ' || i.order_id || ', ' || count(*) || ' captures)' AS id
         FROM billing.payment p JOIN billing.invoice i ON i.id = p.invoice_id
        WHERE i.order_id = ANY($1::uuid[]) AND p.status IN ('captured', 'refunded')
        GROUP BY p.invoice_id, i.order_id HAVING count(*) > 1`,
      [orderIds],
    );
    const refunds = await ids(
      `SELECT r.payment_id::text || ' (order ' || i.order_id || ', ' || count(*) || ' refunds)' AS id
         FROM billing.refund r JOIN billing.payment p ON p.id = r.payment_id
         JOIN billing.invoice i ON i.id = p.invoice_id
        WHERE i.order_id = ANY($1::uuid[])
        GROUP BY r.payment_id, i.order_id HAVING count(*) > 1`,
      [orderIds],
    );
    const services = await ids(
      `SELECT order_id::text || ' (' || count(*) || ' services)' AS id FROM provisioning.service
        WHERE order_id = ANY($1::uuid[]) GROUP BY order_id HAVING count(*) > 1`,
      [orderIds],
    );
    const notifications = await ids(
      `SELECT (variables ->> 'orderId') || ' ' || template || ' (' || count(*) || ' requested)' AS id
         FROM notifications.notification
        WHERE template = ANY($1::text[]) AND variables ->> 'orderId' = ANY($2::text[])
        GROUP BY variables ->> 'orderId', template HAVING count(*) > 1`,
      [ONCE_PER_ORDER_TEMPLATES, orderIds],
    );
    const events = (await this.eventsTwice(prefix, orderIds, ONCE_PER_ORDER_EVENTS, 'orderId')).map(
      (e) => `${e.subject} ${e.type} (${e.count} event ids)`,
    );
    const perSubject = async (type: string, subject: string) =>
      (await this.eventsTwice(prefix, orderIds, [type], subject)).map(
        (e) => `${e.subject} ${e.type} (order ${e.orderId}, ${e.count} event ids)`,
      );
    const invoiceVoids = await perSubject('invoice.voided', 'invoiceId');
    const paymentRefundEvents = await perSubject('payment.refunded', 'paymentId');
    return { captures, refunds, services, notifications, events, invoiceVoids, paymentRefundEvents };
  }

  /**
   * Events of these types published for one subject (the payload's `subjectField`) under more than one event id, read
   * from every outbox (rows bound for the environment's topics) and the event log, limited to the environment's orders.
   */
  private async eventsTwice(
    prefix: string,
    orderIds: string[],
    types: string[],
    subjectField: string,
  ): Promise<{ subject: string; type: string; orderId: string; count: number }[]> {
    const loggedOrderId = `coalesce(order_id, ${idInPayload('orderId', 'payload::text')})`;
    const loggedSubject =
      subjectField === 'orderId' ? loggedOrderId : idInPayload(subjectField, 'payload::text');
    const outboxes = SOURCE_MODULES.map(
      (s) =>
        `SELECT ${idInPayload(subjectField)} AS subject, ${ORDER_ID_IN_PAYLOAD} AS order_id,
                headers ->> 'ce_type' AS type, event_id::text AS event_id
           FROM "${s}".outbox WHERE starts_with(topic, $1) AND headers ->> 'ce_type' = ANY($2::text[])`,
    ).join(' UNION ');
    const { rows } = await this.db.query<{ subject: string; type: string; order_id: string; count: number }>(
      `SELECT subject, type, min(order_id) AS order_id, count(DISTINCT event_id)::int AS count FROM (
         ${outboxes}
         UNION
         SELECT ${loggedSubject}, ${loggedOrderId}, type, event_id
           FROM audit.event_log
          WHERE type = ANY($2::text[]) AND NOT is_dead_letter
       ) e
       WHERE order_id = ANY($3::text[]) AND subject IS NOT NULL
       GROUP BY subject, type HAVING count(DISTINCT event_id) > 1
       ORDER BY subject, type`,
      [prefix, types, orderIds],
    );
    return rows.map((r) => ({ subject: r.subject, type: r.type, orderId: r.order_id, count: r.count }));
  }

  /**
   * Sagas in progress that are neither terminal nor holding a due timer: with no timer and no activity for the grace
   * period they wait for an event no path sends; with a timer overdue by the grace period nothing fires it.
   */
  async stuckSagas(graceSeconds: number): Promise<Finding> {
    const { rows } = await this.db.query<{ row: string }>(
      `SELECT order_id::text || ' ' || status || ' at ' || step ||
              coalesce(', timer ' || timer_kind || ' overdue since ' || to_char(timer_at, 'YYYY-MM-DD"T"HH24:MI:SS'),
                       ', waiting for an event no path sends (no timer)')
              AS row
         FROM saga.instance
        WHERE status IN ('running', 'compensating')
          AND ((timer_at IS NULL AND updated_at < now() - $1::float8 * interval '1 second')
               OR timer_at < now() - $1::float8 * interval '1 second')
        ORDER BY updated_at`,
      [graceSeconds],
    );
    return finding(
      STUCK_CHECK,
      rows.map((r) => r.row),
    );
  }

  private async disagreements(orderIds: string[], prefix: string, graceSeconds: number) {
    const orders = (
      await this.db.query<{ id: string; status: OrderStatus; updated_at: Date }>(
        `SELECT id::text AS id, status, updated_at FROM orders."order" WHERE id = ANY($1::uuid[])`,
        [orderIds],
      )
    ).rows.map((r): OrderFact => ({ id: r.id, status: r.status, updatedAt: r.updated_at }));
    const sagas = (
      await this.db.query<{ order_id: string; status: SagaStatus; updated_at: Date }>(
        `SELECT order_id::text AS order_id, status, updated_at FROM saga.instance WHERE order_id = ANY($1::uuid[])`,
        [orderIds],
      )
    ).rows.map((r): SagaFact => ({ orderId: r.order_id, status: r.status, updatedAt: r.updated_at }));
    const events = (
      await this.db.query<{ order_id: string; type: string }>(
        `SELECT DISTINCT ${ORDER_ID_IN_PAYLOAD} AS order_id, headers ->> 'ce_type' AS type FROM orders.outbox
          WHERE starts_with(topic, $1) AND headers ->> 'ce_type' = ANY($2::text[])
         UNION
         SELECT order_id, type FROM audit.event_log
          WHERE type = ANY($2::text[]) AND NOT is_dead_letter AND order_id = ANY($3::text[])`,
        [prefix, TERMINAL_ORDER_EVENTS, orderIds],
      )
    ).rows;
    const terminal = new Map<string, Set<string>>();
    for (const e of events) {
      const set = terminal.get(e.order_id) ?? new Set<string>();
      set.add(e.type);
      terminal.set(e.order_id, set);
    }
    const invoices = await this.invoices(orderIds);
    const orderInvoices = orderInvoicesOf(invoices);
    const { rows } = await this.db.query<{ now: Date }>(`SELECT now() AS now`);
    const now = rows[0]?.now ?? new Date();
    return {
      orders,
      invoices,
      disagreements: orderDisagreements(
        orders,
        new Map(sagas.map((s) => [s.orderId, s])),
        terminal,
        orderInvoices,
        now,
        graceSeconds * 1000,
      ),
      money: moneyOnOrders(orders, orderInvoices, now, graceSeconds * 1000),
    };
  }

  /** Every invoice of these orders (their own, renewals, plan changes) with its payments; billing's tables only. */
  private async invoices(orderIds: string[]): Promise<InvoiceFact[]> {
    const { rows: invoices } = await this.db.query<{
      id: string;
      order_id: string;
      kind: string;
      status: InvoiceStatus;
      total_minor: string;
      currency: string;
      updated_at: Date;
    }>(
      `SELECT id::text AS id, order_id::text AS order_id, kind, status, total_minor, currency, updated_at
         FROM billing.invoice WHERE order_id = ANY($1::uuid[])`,
      [orderIds],
    );
    const { rows: payments } = await this.db.query<{
      id: string;
      invoice_id: string;
      status: PaymentStatus;
      amount_minor: string;
    }>(
      `SELECT id::text AS id, invoice_id::text AS invoice_id, status, amount_minor FROM billing.payment
        WHERE invoice_id = ANY($1::uuid[]) ORDER BY created_at`,
      [invoices.map((i) => i.id)],
    );
    return invoices.map((i): InvoiceFact => ({
      id: i.id,
      orderId: i.order_id,
      kind: i.kind,
      status: i.status,
      totalMinor: Number(i.total_minor),
      currency: i.currency,
      updatedAt: i.updated_at,
      payments: payments
        .filter((p) => p.invoice_id === i.id)
        .map((p) => ({ id: p.id, status: p.status, amountMinor: Number(p.amount_minor) })),
    }));
  }
}

function finding(check: string, rows: string[]): Finding {
  return { check, count: rows.length, samples: rows.slice(0, SAMPLES) };
}
