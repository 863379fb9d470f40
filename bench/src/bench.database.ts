import pg from 'pg';
import { SOURCE_MODULES } from '@app/contracts';

export const TERMINAL = ['completed', 'cancelled', 'failed'];

/** The benchmark's reads of the system under test: PostgreSQL's clock and rows are the measuring instrument. */
export class BenchDatabase {
  readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async openInvoices(since: Date): Promise<{ id: string; accountId: string }[]> {
    const { rows } = await this.pool.query<{ id: string; account_id: string }>(
      `SELECT id, account_id FROM billing.invoice WHERE status = 'open' AND issued_at >= $1`,
      [since],
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id }));
  }

  async unfinished(orderIds: string[]): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM orders."order" WHERE id = ANY($1::uuid[]) AND status <> ALL($2::text[])`,
      [orderIds, TERMINAL],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** created → completed of each completed order, both stamped by PostgreSQL. */
  async latencies(orderIds: string[]): Promise<{ id: string; ms: number; completedAt: Date }[]> {
    const { rows } = await this.pool.query<{ id: string; ms: number; completed_at: Date }>(
      `SELECT o.id, extract(epoch FROM (s.at - o.created_at)) * 1000 AS ms, s.at AS completed_at
         FROM orders."order" o
         JOIN LATERAL (SELECT at FROM orders.order_step
                        WHERE order_id = o.id AND status = 'completed' ORDER BY id LIMIT 1) s ON true
        WHERE o.id = ANY($1::uuid[])`,
      [orderIds],
    );
    return rows.map((r) => ({ id: r.id, ms: Number(r.ms), completedAt: r.completed_at }));
  }

  async outboxBacklog(): Promise<number> {
    const union = SOURCE_MODULES.map(
      (s) => `SELECT count(*) AS n FROM "${s}".outbox WHERE published_at IS NULL`,
    ).join(' UNION ALL ');
    const { rows } = await this.pool.query<{ n: string }>(`SELECT sum(n) AS n FROM (${union}) t`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Zero lost and zero duplicated: every accepted order completed, and no order has two captures, two VPSs, two
   * order.completed events or two credentials emails.
   */
  async reconcile(orderIds: string[]): Promise<Reconciliation> {
    const count = async (sql: string): Promise<number> => {
      const { rows } = await this.pool.query<{ n: string }>(sql, [orderIds]);
      return Number(rows[0]?.n ?? 0);
    };
    const notCompleted = await count(
      `SELECT count(*) AS n FROM orders."order" WHERE id = ANY($1::uuid[]) AND status <> 'completed'`,
    );
    const missing =
      orderIds.length - (await count(`SELECT count(*) AS n FROM orders."order" WHERE id = ANY($1::uuid[])`));
    const duplicatedCaptures = await count(
      `SELECT count(*) AS n FROM (SELECT i.order_id FROM billing.payment p JOIN billing.invoice i ON i.id = p.invoice_id
        WHERE i.order_id = ANY($1::uuid[]) AND p.status = 'captured' GROUP BY i.order_id HAVING count(*) > 1) d`,
    );
    const duplicatedServices = await count(
      `SELECT count(*) AS n FROM (SELECT order_id FROM provisioning.service WHERE order_id = ANY($1::uuid[])
        GROUP BY order_id HAVING count(*) > 1) d`,
    );
    const duplicatedCompletions = await count(
      `SELECT count(*) AS n FROM (SELECT payload::jsonb ->> 'orderId' AS order_id FROM orders.outbox
        WHERE headers ->> 'ce_type' = 'order.completed' AND (payload::jsonb ->> 'orderId')::uuid = ANY($1::uuid[])
        GROUP BY 1 HAVING count(*) > 1) d`,
    );
    return {
      orders: orderIds.length,
      lost: missing + notCompleted,
      duplicated: duplicatedCaptures + duplicatedServices + duplicatedCompletions,
      detail: { missing, notCompleted, duplicatedCaptures, duplicatedServices, duplicatedCompletions },
    };
  }

  /** Events the modules published per order, counted from their outboxes. */
  async eventsPerOrder(orderIds: string[]): Promise<number> {
    if (orderIds.length === 0) {
      return 0;
    }
    const union = SOURCE_MODULES.map(
      (s) => `SELECT count(*) AS n FROM "${s}".outbox WHERE payload::jsonb ->> 'orderId' = ANY($1::text[])`,
    ).join(' UNION ALL ');
    const { rows } = await this.pool.query<{ n: string }>(`SELECT sum(n) AS n FROM (${union}) t`, [orderIds]);
    return Math.round((Number(rows[0]?.n ?? 0) / orderIds.length) * 10) / 10;
  }

  async serverVersion(): Promise<string> {
    const { rows } = await this.pool.query<{ v: string }>(`SHOW server_version`);
    return rows[0]?.v ?? 'unknown';
  }
}

export interface Reconciliation {
  orders: number;
  lost: number;
  duplicated: number;
  detail: Record<string, number>;
}
