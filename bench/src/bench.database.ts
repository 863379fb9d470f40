import pg from 'pg';
import { signUpTokenContext, SOURCE_MODULES } from '@app/contracts';
import { SecretSealer } from '@app/platform';
import { Reconciler } from '@app/reconcile';

export const TERMINAL = ['completed', 'cancelled', 'failed'];

/** The benchmark's reads of the system under test: PostgreSQL's clock and rows are the measuring instrument. */
export interface DatabaseActivity {
  commits: number;
  rollbacks: number;
  writes: number;
  /** Executions so far per statement (pg_stat_statements' queryid), when that extension is loaded. */
  statements?: Map<string, StatementCount>;
  /** Requests the apps sent to the brokers so far, by Kafka API (their platforma_kafka_requests counters). */
  kafkaRequests?: Map<string, number>;
}

export interface StatementCount {
  calls: number;
  /** The normalized text, whitespace folded. */
  query: string;
}

export class BenchDatabase {
  readonly pool: pg.Pool;
  private statementsCounted = false;
  /** The apps' GET /metrics, read with every activity() for their Kafka request counters. */
  private metricsUrls: string[] = [];

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The token the latest verification mail to the address carries, opened from its sealed copy in the outbox. */
  async signUpToken(email: string, secretsKey: string): Promise<string> {
    const { rows } = await this.pool.query<{ payload: string }>(
      `SELECT payload FROM accounts.outbox
       WHERE topic LIKE '%account.verification_requested' AND payload::jsonb ->> 'email' = $1
       ORDER BY id DESC LIMIT 1`,
      [email],
    );
    const payload = rows[0]
      ? (JSON.parse(rows[0].payload) as { signUpId: string; sealedToken?: string })
      : undefined;
    if (!payload?.sealedToken) {
      throw new Error(`no verification link was requested for ${email}`);
    }
    return new SecretSealer(secretsKey).openText(payload.sealedToken, signUpTokenContext(payload.signUpId));
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

  /** The database's transaction and row-write counters (pg_stat_database, flushed by backends about once a second). */
  async activity(): Promise<DatabaseActivity> {
    const { rows } = await this.pool.query<{ commits: string; rollbacks: string; writes: string }>(
      `SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted + tup_updated + tup_deleted AS writes
       FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    return {
      commits: Number(row?.commits ?? 0),
      rollbacks: Number(row?.rollbacks ?? 0),
      writes: Number(row?.writes ?? 0),
      statements: await this.statements(),
      kafkaRequests: await this.kafkaRequests(),
    };
  }

  /** The apps whose Kafka requests activity() counts (each one's GET /metrics). */
  countKafkaRequests(metricsUrls: string[]): void {
    this.metricsUrls = metricsUrls;
  }

  /** platforma_kafka_requests_total of every app, summed by API; undefined if an app does not answer. */
  private async kafkaRequests(): Promise<Map<string, number> | undefined> {
    if (this.metricsUrls.length === 0) {
      return undefined;
    }
    const byApi = new Map<string, number>();
    for (const url of this.metricsUrls) {
      const response = await fetch(url).catch(() => undefined);
      if (!response?.ok) {
        return undefined;
      }
      for (const match of (await response.text()).matchAll(
        /^platforma_kafka_requests_total\{([^}]*)\} (\S+)/gm,
      )) {
        const api = /api="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? 'unknown';
        byApi.set(api, (byApi.get(api) ?? 0) + Number(match[2]));
      }
    }
    return byApi;
  }

  /**
   * Whether PostgreSQL counts executions per statement: pg_stat_statements must be in shared_preload_libraries
   * (a server setting the benchmark does not change); the extension is created in the benchmark's database.
   */
  async countsStatements(): Promise<boolean> {
    try {
      await this.pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await this.pool.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
      this.statementsCounted = true;
    } catch {
      this.statementsCounted = false;
    }
    return this.statementsCounted;
  }

  private async statements(): Promise<Map<string, StatementCount> | undefined> {
    if (!this.statementsCounted) {
      return undefined;
    }
    const { rows } = await this.pool.query<{ id: string; calls: string; query: string }>(
      `SELECT queryid::text || ':' || toplevel::text AS id, calls, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return new Map(rows.map((r) => [r.id, { calls: Number(r.calls), query: r.query }]));
  }

  async outboxBacklog(): Promise<number> {
    const union = SOURCE_MODULES.map(
      (s) => `SELECT count(*) AS n FROM "${s}".outbox WHERE published_at IS NULL`,
    ).join(' UNION ALL ');
    const { rows } = await this.pool.query<{ n: string }>(`SELECT sum(n) AS n FROM (${union}) t`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Zero lost and zero duplicated: every accepted order completed, and no order has two captures, two refunds, two
   * VPSs, two once-only notifications or two order.completed events (the reconciler's duplicate checks).
   */
  async reconcile(orderIds: string[], prefix: string): Promise<Reconciliation> {
    const count = async (sql: string): Promise<number> => {
      const { rows } = await this.pool.query<{ n: string }>(sql, [orderIds]);
      return Number(rows[0]?.n ?? 0);
    };
    // Terminal but not completed is an order the happy path lost; still moving is a queue, reported apart.
    const notCompleted = await count(
      `SELECT count(*) AS n FROM orders."order" WHERE id = ANY($1::uuid[]) AND status IN ('cancelled', 'failed')`,
    );
    const unfinished = await count(
      `SELECT count(*) AS n FROM orders."order" WHERE id = ANY($1::uuid[]) AND status <> ALL('{completed,cancelled,failed}')`,
    );
    const missing =
      orderIds.length - (await count(`SELECT count(*) AS n FROM orders."order" WHERE id = ANY($1::uuid[])`));
    const duplicates = await new Reconciler(this.pool).duplicateEffects(orderIds, prefix);
    const found: Record<string, string[]> = { ...duplicates };
    const detail: Record<string, number> = { missing, notCompleted };
    for (const [effect, rows] of Object.entries(found)) {
      detail[`duplicated ${effect}`] = rows.length;
    }
    return {
      orders: orderIds.length,
      lost: missing + notCompleted,
      unfinished,
      duplicated: Object.values(found).reduce((n, rows) => n + rows.length, 0),
      detail,
    };
  }

  /**
   * Mails the run asked for (the database is the run's own), by delivery status (pending ones are still queued for the
   * SMTP relay).
   */
  async mailsByStatus(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM notifications.notification GROUP BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
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

  /**
   * published_at − created_at (PostgreSQL's clock) of a topic's outbox rows in a module written since a time: the
   * relay's delay.
   */
  async publishDelays(module: string, topic: string, since: Date): Promise<number[]> {
    const { rows } = await this.pool.query<{ ms: number }>(
      `SELECT extract(epoch FROM published_at - created_at) * 1000 AS ms FROM "${module}".outbox
       WHERE topic = $1 AND created_at >= $2 AND published_at IS NOT NULL`,
      [topic, since],
    );
    return rows.map((r) => Number(r.ms));
  }

  /**
   * What production's autovacuum would have done by now: the dead rows of the previous step vacuumed and the
   * statistics fresh (this machine's PostgreSQL runs with autovacuum off, a CI setting).
   */
  async vacuumAnalyze(): Promise<void> {
    await this.pool.query('VACUUM ANALYZE');
  }

  async autovacuum(): Promise<string> {
    const { rows } = await this.pool.query<{ v: string }>(`SELECT current_setting('autovacuum') AS v`);
    return rows[0]?.v ?? 'unknown';
  }

  async serverVersion(): Promise<string> {
    const { rows } = await this.pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return rows[0]?.v ?? 'unknown';
  }
}

export interface Reconciliation {
  orders: number;
  lost: number;
  /** Orders still on their way when the run ended (after its final drain). */
  unfinished: number;
  duplicated: number;
  detail: Record<string, number>;
}
