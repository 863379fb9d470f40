import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchDatabase, DatabaseActivity } from './bench.database.js';
import { cpuBetween, cpuSnapshot, type CpuUse } from './cpu.sample.js';
import { summarize, type LatencySummary } from './latency.histogram.js';
import type { StorefrontClient } from './storefront.client.js';

export interface Tenant {
  accountId: string;
  token: string;
}

export interface StepPlan {
  rate: number;
  seconds: number;
  /** How long after the last arrival the step waits for its orders to finish. */
  drainSeconds: number;
  targetP99Ms: number;
  measured: boolean;
  /** The database's work per second with no order in flight, subtracted from the step's (see StepResult.database). */
  idle?: DatabaseRates;
}

export interface DatabaseRates {
  commitsPerSecond: number;
  rowWritesPerSecond: number;
  /** Executions per second of each statement (pg_stat_statements), when counted. */
  statementsPerSecond?: Map<string, number>;
  /** Kafka requests per second by API (the apps' platforma_kafka_requests), when the apps answer GET /metrics. */
  kafkaRequestsPerSecond?: Map<string, number>;
}

/** Requests to the brokers per order accepted, less the idle system's, by Kafka API (most first). */
export interface KafkaRequestCensus {
  perOrder: number;
  byApi: { api: string; perOrder: number }[];
}

/** Statements executed per order accepted, less the idle system's (pg_stat_statements; absent when not loaded). */
export interface StatementCensus {
  perOrder: number;
  /** Transaction control (BEGIN, START TRANSACTION, COMMIT, ROLLBACK) among them. */
  transactionControlPerOrder: number;
  /** The most executed statements, most first. */
  top: { perOrder: number; statement: string }[];
}

const CENSUS_TOP = 25;
const STATEMENT_CHARS = 140;

/** Per second, for each key counted at both readings or only the later one, how much its count grew. */
function ratesBetween<K>(before: Map<K, number>, after: Map<K, number>, seconds: number): Map<K, number> {
  const rates = new Map<K, number>();
  for (const [key, count] of after) {
    rates.set(key, (count - (before.get(key) ?? 0)) / seconds);
  }
  return rates;
}

const calls = (statements: Map<string, { calls: number }>): Map<string, number> =>
  new Map([...statements].map(([id, { calls }]) => [id, calls]));

/** Executions per second of each statement between two readings. */
export function statementRates(
  before: DatabaseActivity,
  after: DatabaseActivity,
  seconds: number,
): Map<string, number> | undefined {
  return before.statements && after.statements
    ? ratesBetween(calls(before.statements), calls(after.statements), seconds)
    : undefined;
}

/** Kafka requests per second by API between two readings. */
export function kafkaRequestRates(
  before: DatabaseActivity,
  after: DatabaseActivity,
  seconds: number,
): Map<string, number> | undefined {
  return before.kafkaRequests && after.kafkaRequests
    ? ratesBetween(before.kafkaRequests, after.kafkaRequests, seconds)
    : undefined;
}

function kafkaRequestCensus(
  start: DatabaseActivity,
  end: DatabaseActivity,
  idle: Map<string, number> | undefined,
  seconds: number,
  orders: number,
): KafkaRequestCensus | undefined {
  const rates = kafkaRequestRates(start, end, seconds);
  if (!rates || orders === 0) {
    return undefined;
  }
  const byApi = [...rates]
    .map(([api, rate]) => ({ api, count: (rate - (idle?.get(api) ?? 0)) * seconds }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count);
  return {
    perOrder: perOrder(
      byApi.reduce((n, c) => n + c.count, 0),
      orders,
    ),
    byApi: byApi.map((c) => ({ api: c.api, perOrder: perOrder(c.count, orders) })),
  };
}

function statementCensus(
  start: DatabaseActivity,
  end: DatabaseActivity,
  idle: Map<string, number> | undefined,
  seconds: number,
  orders: number,
): StatementCensus | undefined {
  if (!start.statements || !end.statements || orders === 0) {
    return undefined;
  }
  const counts: { calls: number; query: string }[] = [];
  for (const [id, { calls, query }] of end.statements) {
    const net = calls - (start.statements.get(id)?.calls ?? 0) - (idle?.get(id) ?? 0) * seconds;
    if (net > 0) {
      counts.push({ calls: net, query });
    }
  }
  counts.sort((a, b) => b.calls - a.calls);
  const sum = (list: typeof counts) => list.reduce((n, c) => n + c.calls, 0);
  const control = counts.filter((c) => /^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK)\b/i.test(c.query.trim()));
  return {
    perOrder: perOrder(sum(counts), orders),
    transactionControlPerOrder: perOrder(sum(control), orders),
    top: counts.slice(0, CENSUS_TOP).map((c) => ({
      perOrder: perOrder(c.calls, orders),
      statement: c.query.length > STATEMENT_CHARS ? `${c.query.slice(0, STATEMENT_CHARS)}…` : c.query,
    })),
  };
}

export interface StepResult {
  rate: number;
  seconds: number;
  arrivals: number;
  accepted: number;
  refused: Record<string, number>;
  transportErrors: number;
  /** Orders completed by one second after the last arrival, as a share of those accepted. */
  keptUp: number;
  completed: number;
  unfinished: number;
  completionsPerSecond: number;
  /** Order latency as the storefront sees it: from sending POST /v1/orders to reading the stream's end event. */
  clientLatency: LatencySummary;
  latency: LatencySummary;
  backlog: { first: number; last: number; max: number };
  /** CPU while the orders arrived; msPerOrder over the orders accepted meanwhile. */
  cpu?: CpuUse;
  /**
   * PostgreSQL's committed transactions and written rows per order accepted: every process's (consumers, HTTP,
   * relays, pollers, the benchmark's own queries), counted from the first arrival until the step drained, less what
   * the idle system does in as long (StepPlan.idle). Counts, not CPU: the same on a busy machine as on a quiet one.
   */
  database: {
    commitsPerOrder: number;
    rowWritesPerOrder: number;
    seconds: number;
    statements?: StatementCensus;
    kafkaRequests?: KafkaRequestCensus;
  };
  sustained: boolean;
  reasons: string[];
  orderIds: string[];
}

/**
 * One open-loop step: arrivals at a fixed rate whatever the system does (a slow system meets more, not fewer,
 * requests — no coordinated omission), each tenant paying its invoice as soon as it exists, like a storefront
 * whose customer has a card on file.
 */
export async function runStep(
  plan: StepPlan,
  client: StorefrontClient,
  db: BenchDatabase,
  tenants: Tenant[],
  planId: string,
  sequenceStart: number,
  appPids: Set<number>,
): Promise<StepResult> {
  const accepted: string[] = [];
  const refused: Record<string, number> = {};
  let transportErrors = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const paying = new Set<string>();
  let arriving = true;

  // Each customer's page follows its order's event stream: it pays the invoice the moment the stream names it, and
  // the order is done for the customer when the stream ends. Client latency: POST sent → end event read.
  const clientLatencies: number[] = [];
  const streams = new AbortController();
  const pay = (token: string, invoiceId: string): void => {
    if (paying.has(invoiceId)) {
      return;
    }
    paying.add(invoiceId);
    track(
      client.pay(token, invoiceId).then(
        (r) => {
          if (r.status !== 200) {
            refused[`pay ${r.status}`] = (refused[`pay ${r.status}`] ?? 0) + 1;
          }
        },
        () => void transportErrors++,
      ),
    );
  };
  const follow = (token: string, orderId: string, sentAt: number): void => {
    track(
      client
        .follow(token, orderId, (invoiceId) => pay(token, invoiceId), streams.signal)
        .then(
          ({ at }) => void clientLatencies.push(at - sentAt),
          () => {
            if (!streams.signal.aborted) {
              refused['order stream'] = (refused['order stream'] ?? 0) + 1;
            }
          },
        ),
    );
  };

  const backlog: number[] = [];
  const sampler = (async () => {
    while (arriving) {
      backlog.push(await db.outboxBacklog());
      await sleep(1_000);
    }
  })();

  const posts: Promise<void>[] = [];
  const cpuAtStart = cpuSnapshot(appPids);
  const dbAtStart = await db.activity();
  const dbStartedAt = performance.now();
  const started = performance.now();
  let arrivals = 0;
  const total = Math.round(plan.rate * plan.seconds);
  while (arrivals < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * plan.rate));
    while (arrivals < due) {
      const n = sequenceStart + arrivals;
      const tenant = tenants[n % tenants.length];
      arrivals++;
      const sentAt = performance.now();
      posts.push(
        client.placeOrder(tenant.token, planId, n).then(
          (r) => {
            if (r.status === 201) {
              accepted.push(String(r.body.id));
              follow(tenant.token, String(r.body.id), sentAt);
            } else {
              refused[`order ${r.status}`] = (refused[`order ${r.status}`] ?? 0) + 1;
            }
          },
          () => void transportErrors++,
        ),
      );
    }
    await sleep(2);
  }
  const arrivalsEnded = Date.now();
  const cpuAtEnd = cpuSnapshot(appPids);
  await Promise.allSettled(posts);
  await sleep(Math.max(0, arrivalsEnded + 1_000 - Date.now()));
  const unfinishedAfterOneSecond = accepted.length ? await db.unfinished(accepted) : 0;
  arriving = false;
  await sampler;

  const drainDeadline = Date.now() + plan.drainSeconds * 1000;
  let unfinished = unfinishedAfterOneSecond;
  while (unfinished > 0 && Date.now() < drainDeadline) {
    await sleep(250);
    unfinished = await db.unfinished(accepted);
  }
  streams.abort();
  await Promise.allSettled([...inFlight]);
  // pg_stat_database hears of a backend's commits when it reports its statistics (at most once a second).
  await sleep(1_500);
  const dbAtEnd = await db.activity();
  const dbSeconds = (performance.now() - dbStartedAt) / 1000;

  const completions = accepted.length ? await db.latencies(accepted) : [];
  const latency = summarize(completions.map((c) => c.ms));
  const keptUp = accepted.length ? (accepted.length - unfinishedAfterOneSecond) / accepted.length : 0;
  const first = backlog[0] ?? 0;
  const last = backlog.at(-1) ?? 0;
  const reasons: string[] = [];
  if (keptUp < 0.99) {
    reasons.push(`only ${(keptUp * 100).toFixed(1)} % completed within 1 s of the last arrival`);
  }
  if (last > Math.max(50, first * 2)) {
    reasons.push(`outbox backlog grew from ${first} to ${last}`);
  }
  if (latency.p99 > plan.targetP99Ms) {
    reasons.push(`p99 ${latency.p99} ms above the ${plan.targetP99Ms} ms target`);
  }
  if (Object.keys(refused).length > 0 || transportErrors > 0) {
    reasons.push('some requests were refused or failed');
  }
  if (unfinished > 0) {
    reasons.push(`${unfinished} orders unfinished after the drain`);
  }
  return {
    rate: plan.rate,
    seconds: plan.seconds,
    arrivals,
    accepted: accepted.length,
    refused,
    transportErrors,
    keptUp,
    completed: completions.length,
    unfinished,
    completionsPerSecond: completions.length / plan.seconds,
    latency,
    clientLatency: summarize(clientLatencies),
    backlog: { first, last, max: Math.max(0, ...backlog) },
    cpu: cpuBetween(cpuAtStart, cpuAtEnd, accepted.length),
    database: {
      commitsPerOrder: perOrder(
        dbAtEnd.commits - dbAtStart.commits - (plan.idle?.commitsPerSecond ?? 0) * dbSeconds,
        accepted.length,
      ),
      rowWritesPerOrder: perOrder(
        dbAtEnd.writes - dbAtStart.writes - (plan.idle?.rowWritesPerSecond ?? 0) * dbSeconds,
        accepted.length,
      ),
      seconds: Math.round(dbSeconds),
      statements: statementCensus(
        dbAtStart,
        dbAtEnd,
        plan.idle?.statementsPerSecond,
        dbSeconds,
        accepted.length,
      ),
      kafkaRequests: kafkaRequestCensus(
        dbAtStart,
        dbAtEnd,
        plan.idle?.kafkaRequestsPerSecond,
        dbSeconds,
        accepted.length,
      ),
    },
    sustained: reasons.length === 0,
    reasons,
    orderIds: accepted,
  };
}

const perOrder = (count: number, orders: number): number =>
  orders === 0 ? 0 : Math.round((count / orders) * 10) / 10;
