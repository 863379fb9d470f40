import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { TopicAdminService } from '@app/messaging';
import { loadConfig } from '@app/platform';
import { formatReport, isClean, Reconciler, type ReconcileReport } from '@app/reconcile';
import { dropOutboxRows } from '../support/isolation.js';
import { ROOT, spawnNode, waitFor, type Spawned } from '../support/processes.js';
import { environmentSecretsKey, poolQuery, signUpToken } from '../support/sign-up.js';
import { smallPlan } from '../support/storefront.js';

/** Where a REST path is served: the monolith's one base URL, or the split app that owns the route. */
export type Router = (path: string) => string;

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface Tenant {
  accountId: string;
  token: string;
}

/** Environment of the processes under test: fast builds, no rate limit, a short rejoin after a crash. */
export const faultEnv = (prefix: string): Record<string, string> => ({
  KAFKA_TOPIC_PREFIX: prefix,
  KAFKA_TOPIC_PARTITIONS: '4',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  PROVISIONING_SIMULATOR_STEP_MS: '40',
  RATE_LIMIT_PER_MINUTE: '1000000',
  LOG_LEVEL: 'warn',
  NO_COLOR: '1',
});

/** A storefront's calls; a fault may make any of them fail, which the caller counts rather than throws. */
export class FaultClient {
  constructor(private readonly route: Router) {}

  async call(method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
    const response = await fetch(this.route(path), {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  }

  private async expect(status: number, method: string, path: string, token?: string, body?: unknown) {
    const r = await this.call(method, path, token, body);
    if (r.status !== status) {
      throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
    return r;
  }

  async adminToken(): Promise<string> {
    const r = await this.expect(200, 'POST', '/v1/auth/token', undefined, {
      apiKey: process.env.BOOTSTRAP_ADMIN_API_KEY,
    });
    return String(r.body.accessToken);
  }

  async publishPlan(adminToken: string): Promise<string> {
    const r = await this.expect(
      201,
      'POST',
      '/v1/admin/catalog/plans',
      adminToken,
      smallPlan('Fault plan', 500, 'fault'),
    );
    return String(r.body.id);
  }

  /** A verified tenant: sign-up, then its verification link (the token read from the accounts outbox). */
  async signUp(n: number, pool: pg.Pool): Promise<Tenant> {
    const email = `fault-${n}-${randomUUID().slice(0, 8)}@example.com`;
    await this.expect(202, 'POST', '/v1/accounts', undefined, {
      name: `Fault tenant ${n}`,
      email,
      country: 'DE',
      currency: 'EUR',
    });
    const r = await this.expect(201, 'POST', '/v1/accounts/verify', undefined, {
      token: await signUpToken(poolQuery(pool), email, environmentSecretsKey()),
    });
    const token = await this.expect(200, 'POST', '/v1/auth/token', undefined, { apiKey: r.body.apiKey });
    return { accountId: String(r.body.accountId), token: String(token.body.accessToken) };
  }

  /** A plan and n tenants, once orders and the saga know them all (their read models are fed by events). */
  async storefront(pool: pg.Pool, n: number): Promise<{ planId: string; tenants: Tenant[] }> {
    const planId = await this.publishPlan(await this.adminToken());
    const tenants = await Promise.all(Array.from({ length: n }, (_, i) => this.signUp(i, pool)));
    await waitFor(
      async () => {
        const { rows } = await pool.query(
          `SELECT 1 FROM orders.plan_view WHERE plan_id = $1 UNION ALL SELECT 1 FROM saga.plan_view WHERE plan_id = $1
           UNION ALL SELECT 1 FROM saga.account_view WHERE account_id = ANY($2::uuid[])`,
          [planId, tenants.map((t) => t.accountId)],
        );
        return rows.length === 2 + tenants.length ? true : undefined;
      },
      'the plan and the tenants in the read models',
      30_000,
    );
    return { planId, tenants };
  }
}

/** The database as the tests read it: a pool that outlives a PostgreSQL restart (idle clients die, the pool goes on). */
export function testPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Open-loop orders (arrivals at a fixed rate whatever the system does) from a set of tenants, each paying its invoice
 * as soon as billing stored it, read from the database like bench/src/load.step.ts. Refusals and transport errors
 * during a fault are counted, and a payment that did not go through is tried again.
 */
export class OrderLoad {
  readonly accepted: string[] = [];
  readonly refused: Record<string, number> = {};
  private readonly tokens: Map<string, string>;
  private readonly paid = new Set<string>();
  private readonly paying = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private payer?: Promise<void>;
  private running = true;
  private sequence = 0;

  constructor(
    private readonly client: FaultClient,
    private readonly pool: pg.Pool,
    private readonly tenants: Tenant[],
    private readonly planId: string,
  ) {
    this.tokens = new Map(tenants.map((t) => [t.accountId, t.token]));
  }

  startPaying(): void {
    this.payer ??= this.payLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.payer;
    await Promise.allSettled([...this.inFlight]);
  }

  /** `total` arrivals at `rate` per second; resolves when the last request was answered. */
  async place(total: number, rate: number, onAccepted?: (n: number) => void): Promise<void> {
    const started = performance.now();
    let arrivals = 0;
    while (arrivals < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (arrivals < due) {
        arrivals++;
        const n = this.sequence++;
        const tenant = this.tenants[n % this.tenants.length];
        if (!tenant) {
          throw new Error('no tenants');
        }
        this.track(
          this.client
            .call('POST', '/v1/orders', tenant.token, {
              planId: this.planId,
              region: 'eu-central-1',
              image: 'ubuntu-24.04',
              hostname: `fault-${n}.example.com`,
              billingCycle: 'monthly',
            })
            .then(
              (r) => {
                if (r.status === 201) {
                  this.accepted.push(String(r.body.id));
                  onAccepted?.(this.accepted.length);
                } else {
                  this.count(`order ${r.status}`);
                }
              },
              () => this.count('order transport error'),
            ),
        );
      }
      await sleep(5);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private count(what: string): void {
    this.refused[what] = (this.refused[what] ?? 0) + 1;
  }

  private async payLoop(): Promise<void> {
    const accounts = [...this.tokens.keys()];
    while (this.running) {
      let open: { id: string; account_id: string }[] = [];
      try {
        open = (
          await this.pool.query<{ id: string; account_id: string }>(
            `SELECT id, account_id FROM billing.invoice WHERE status = 'open' AND account_id = ANY($1::uuid[])`,
            [accounts],
          )
        ).rows;
      } catch {
        // The database is restarting: try again on the next round.
      }
      for (const invoice of open) {
        const token = this.tokens.get(invoice.account_id);
        if (!token || this.paying.has(invoice.id) || this.paid.has(invoice.id)) {
          continue;
        }
        this.paying.add(invoice.id);
        this.track(
          this.client
            .call('POST', `/v1/invoices/${invoice.id}/pay`, token, { paymentToken: 'tok_success' })
            .then(
              (r) => {
                // 2xx or a refusal of a paid invoice: done. A 5xx (a fault in the way): pay again next round.
                if (r.status < 500) {
                  this.paid.add(invoice.id);
                } else {
                  this.count(`pay ${r.status}`);
                }
              },
              () => this.count('pay transport error'),
            )
            .finally(() => this.paying.delete(invoice.id)),
        );
      }
      await sleep(50);
    }
  }
}

/** One suite's environment on the shared broker and database: its order tally, reconciliation and clean-up. */
export class FaultEnvironment {
  readonly pool = testPool();

  constructor(readonly prefix: string) {}

  /** Orders of the environment not yet completed, cancelled or failed. */
  async unfinished(): Promise<number> {
    const ids = await new Reconciler(this.pool).environmentOrders(this.prefix, 1);
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders."order"
        WHERE id = ANY($1::uuid[]) AND status NOT IN ('completed', 'cancelled', 'failed')`,
      [ids],
    );
    return rows[0]?.n ?? 0;
  }

  /** Waits for every order to end, then for reconciliation to come out clean (the event log trails the broker). */
  async settle(timeoutMs: number): Promise<{ report: ReconcileReport; text: string }> {
    const deadline = Date.now() + timeoutMs;
    await waitFor(
      async () => ((await this.unfinished()) === 0 ? true : undefined),
      'every order of the environment to reach a terminal state',
      timeoutMs,
      500,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${formatReport(await this.reconcile())}`);
    });
    let report = await this.reconcile();
    while (!isClean(report) && Date.now() < deadline) {
      await sleep(1_000);
      report = await this.reconcile();
    }
    return { report, text: formatReport(report) };
  }

  reconcile(): Promise<ReconcileReport> {
    return new Reconciler(this.pool).reconcile({ prefix: this.prefix, graceSeconds: 0, sinceHours: 1 });
  }

  /** created → last change of each terminal order, in seconds: the slowest order's completion time. */
  async maxCompletionSeconds(): Promise<number> {
    const ids = await new Reconciler(this.pool).environmentOrders(this.prefix, 1);
    const { rows } = await this.pool.query<{ s: number | null }>(
      `SELECT max(extract(epoch FROM (updated_at - created_at)))::float AS s FROM orders."order"
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return Math.round((rows[0]?.s ?? 0) * 10) / 10;
  }

  async close(): Promise<void> {
    await this.pool.end();
    const admin = new TopicAdminService({ ...loadConfig().messaging, topicPrefix: this.prefix });
    await admin.deleteTopics(admin.catalogTopics());
    await admin.onModuleDestroy();
    await dropOutboxRows(process.env.DATABASE_URL ?? '', this.prefix);
  }
}

const exec = promisify(execFile);

/** The single-node broker of scripts/kafka (its data survives a stop/start). */
export async function kafka(action: 'stop' | 'start'): Promise<void> {
  await exec('bash', ['scripts/kafka/kafka.sh', action], { cwd: ROOT, timeout: 120_000 });
}

/** PostgreSQL's cluster, as the machine runs it. */
export async function postgres(action: 'restart' | 'stop' | 'start'): Promise<void> {
  // The cluster scripts/postgres.sh starts: the newest installed version.
  const { stdout } = await exec('ls', ['/etc/postgresql']);
  const version =
    stdout
      .trim()
      .split('\n')
      .sort(new Intl.Collator('en', { numeric: true }).compare)
      .at(-1) ?? '';
  await exec('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { timeout: 120_000 });
}

export function summary(
  scenario: string,
  orders: number,
  faults: number,
  report: ReconcileReport,
  maxCompletion: number,
): string {
  return (
    `[faults] ${scenario}: ${orders} orders, ${faults} fault${faults === 1 ? '' : 's'}, ` +
    `lost ${report.lost}, duplicated ${report.duplicated}, stuck sagas ${report.stuckSagas}, ` +
    `disagreeing ${report.disagreements}, max completion ${maxCompletion} s`
  );
}

/** SIGTERM, then SIGKILL if it has not ended within ten seconds. */
/** The monolith from dist/ with the fault suites' settings, once it reports ready. */
export async function startMonolith(prefix: string, port: number): Promise<Spawned> {
  const monolith = spawnNode('dist/src/main.js', {
    ...faultEnv(prefix),
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  await waitFor(
    async () => ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok ? true : undefined),
    'the monolith to be ready',
    60_000,
    250,
  );
  return monolith;
}

/** What a failed fault suite prints of its monolith: its error lines (the cause), then the end of its output. */
export function monolithReport(monolith: Spawned | undefined): string {
  const output = monolith?.output() ?? '';
  const errors = output.split('\n').filter((line) => line.includes('"level":"error"'));
  return `--- monolith errors ---\n${errors.slice(-20).join('\n')}\n--- monolith output ---\n${output.slice(-4_000)}`;
}

export async function stopProcess(proc: Spawned | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) {
    return;
  }
  proc.child.kill('SIGTERM');
  const timeout = new AbortController();
  await Promise.race([
    proc.exited,
    sleep(10_000, undefined, { signal: timeout.signal }).catch(() => undefined),
  ]);
  timeout.abort();
  proc.child.kill('SIGKILL');
}
