import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Baselines } from './baselines.js';
import type { CpuUse, MarginalCpu } from './cpu.sample.js';
import type { LatencySummary } from './latency.histogram.js';
import type { Reconciliation } from './bench.database.js';
import type { StepResult } from './load.step.js';

export interface BenchReport {
  startedAt: string;
  mode: 'monolith' | 'split';
  quick: boolean;
  machine: Record<string, string | number>;
  settings: Record<string, string | number>;
  baselines: Baselines;
  /** The outbox relay's publish delay for events written one at a time on an idle system. */
  idlePublishDelay: LatencySummary;
  /** Busy cores with no order in flight (pollers, relays, consumers' empty fetches): the fixed cost of a step. */
  idleCpu: CpuUse | null;
  steps: Omit<StepResult, 'orderIds'>[];
  sustainedRate: number | null;
  /** Busy CPU milliseconds one more order costs, per process group, between two sustained steps. */
  cpuMsPerOrderMarginal: MarginalCpu | null;
  reconciliation: Reconciliation;
  /** Mail notifications by status when the run ended, and how many the SMTP sink received. */
  mails: { byStatus: Record<string, number>; received: number };
}

/** bench/results/<stamp>.json, .md and .svg: the numbers, a summary for people, a chart of percentiles vs rate. */
export function writeReport(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const files = [join(dir, `${stamp}.json`), join(dir, `${stamp}.md`), join(dir, `${stamp}.svg`)];
  writeFileSync(files[0], `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files[1], markdown(report, `${stamp}.svg`));
  writeFileSync(files[2], chart(report.steps));
  return files;
}

function idleLine(cpu: CpuUse | null): string {
  return cpu
    ? `With no order in flight (after the warm-up): ${cpu.machine} cores busy — app ${cpu.app}, broker ${cpu.broker}, ` +
        `PostgreSQL ${cpu.postgres}, load generator ${cpu.loadGenerator}, the rest ${cpu.other}.`
    : 'Idle CPU: not measured (no /proc).';
}

function marginalLine(m: MarginalCpu | null): string {
  return m
    ? `CPU per order at the margin (${m.between[0]} → ${m.between[1]} orders/s): ${m.machine} ms in all — app ${m.app}, ` +
        `broker ${m.broker}, PostgreSQL ${m.postgres} (the system under test: ` +
        `${Math.round((m.app + m.broker + m.postgres) * 10) / 10}), load generator ${m.loadGenerator}, ` +
        `the rest (the kernel's own work, other processes) ${m.other}.`
    : 'CPU per order at the margin: not measured (fewer than two steps with CPU figures).';
}

function cpuCells(cpu: CpuUse | undefined): string {
  return cpu
    ? `${cpu.machine} (${cpu.app} / ${cpu.broker} / ${cpu.postgres} / ${cpu.loadGenerator}) | ${cpu.msPerOrder}`
    : 'n/a | n/a';
}

/**
 * Each step's statements per order by statement (pg_stat_statements, when the server loads it): where the round
 * trips go.
 */
function censusSection(steps: Omit<StepResult, 'orderIds'>[]): string {
  const counted = steps.flatMap((s) =>
    s.database.statements ? [{ rate: s.rate, c: s.database.statements }] : [],
  );
  if (counted.length === 0) {
    return '\nStatements per order: not counted (pg_stat_statements is not in shared_preload_libraries).\n';
  }
  return counted
    .map(({ rate, c }) => {
      const lines = c.top.map((t) => `| ${t.perOrder} | \`${t.statement.replaceAll('|', '\\|')}\` |`);
      return `
Statements per order at ${rate} orders/s (pg_stat_statements, less the idle system's): ${c.perOrder}, of which
${c.transactionControlPerOrder} BEGIN/COMMIT/ROLLBACK. The most executed:

| per order | statement |
|---|---|
${lines.join('\n')}
`;
    })
    .join('');
}

/** Each step's requests to the brokers per order, by Kafka API (the apps' own counters): the other round trips. */
function kafkaCensusSection(steps: Omit<StepResult, 'orderIds'>[]): string {
  const counted = steps.flatMap((s) =>
    s.database.kafkaRequests ? [{ rate: s.rate, c: s.database.kafkaRequests }] : [],
  );
  if (counted.length === 0) {
    return '\nKafka requests per order: not counted (an app did not answer GET /metrics).\n';
  }
  return `
Kafka requests per order (the apps' platforma_kafka_requests counters, less the idle system's):
${counted
  .map(
    ({ rate, c }) =>
      `- at ${rate} orders/s: ${c.perOrder} (${c.byApi.map((a) => `${a.api} ${a.perOrder}`).join(', ')})`,
  )
  .join('\n')}
`;
}

export function markdown(report: BenchReport, chartFile: string): string {
  const { baselines: b, reconciliation: r } = report;
  const rows = report.steps.map(
    (s) =>
      `| ${s.rate} | ${s.accepted} | ${s.completionsPerSecond.toFixed(1)} | ${(s.keptUp * 100).toFixed(1)} % | ` +
      `${s.latency.p50} | ${s.latency.p95} | ${s.latency.p99} | ${s.latency.p999} | ${s.latency.max} | ` +
      `${s.clientLatency.p50} | ${s.clientLatency.p99} | ${s.backlog.last} | ${cpuCells(s.cpu)} | ${s.database.commitsPerOrder} / ${s.database.rowWritesPerOrder} | ${s.sustained ? 'yes' : `no: ${s.reasons.join('; ')}`} |`,
  );
  const machine = Object.entries(report.machine)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  // The pipeline at its sustained rate, as a share of each baseline: events against the Kafka ones, database
  // commits against the transaction ones.
  const share = (used: number, limit: number): string =>
    report.sustainedRate === null || limit === 0 ? 'n/a' : `${((used / limit) * 100).toFixed(1)} %`;
  const eventsPerSecond = (report.sustainedRate ?? 0) * Number(report.settings.eventsPerOrder);
  const sustainedStep = report.steps.find((s) => s.rate === report.sustainedRate);
  const commitsPerSecond = (report.sustainedRate ?? 0) * (sustainedStep?.database.commitsPerOrder ?? 0);
  return `# PLATFORMA benchmark, ${report.startedAt}${report.quick ? ' (quick)' : ''}

Machine: ${machine}.
Mode: ${report.mode}; ${Object.entries(report.settings)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.

Sustained rate: **${report.sustainedRate ?? 'none of the steps'}${report.sustainedRate === null ? '' : ' orders/s'}**
(completions keep up within 1 %, outbox backlog flat, p99 within target, zero lost, zero duplicated).

| offered orders/s | accepted | completed/s | done ≤1 s after last arrival | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | client p50 ms | client p99 ms | backlog at end | CPU cores: machine (app / broker / postgres / load generator) | CPU ms per order | PostgreSQL commits / row writes per order | sustained |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Latency = order completed − order created, both stamped by PostgreSQL (the server's view); client latency = from
the load generator sending POST /v1/orders to reading the order's \`end\` event on its stream, its own clock on both
ends (each order's page pays the invoice when the stream names it). CPU: busy cores of the whole machine while
the orders arrived (${report.machine.cpus} in all; the load generator is the benchmark's own process, with each order's
page and the SMTP sink), and that busy
time per order accepted. PostgreSQL commits and row writes per order: pg_stat_database's counters from the first
arrival until the step drained, less the idle system's rate over as long (${report.settings.idleCommitsPerSecond} commits/s,
${report.settings.idleRowWritesPerSecond} row writes/s): counts of work, not time, so they hold on a busy machine too.

${marginalLine(report.cpuMsPerOrderMarginal)}
${idleLine(report.idleCpu)}
${censusSection(report.steps)}${kafkaCensusSection(report.steps)}

Baselines in the same run:
- Kafka, one record per produce request (acks=all, ${b.kafkaHop.inFlight} in flight): ${b.kafkaHop.recordsPerSecond} records/s,
  p50 ${b.kafkaHop.latency.p50} ms, p99 ${b.kafkaHop.latency.p99} ms;
- Kafka batched as the relay and consumers can use it (${b.kafkaBatched.recordsPerSend} records per request, ${b.kafkaBatched.inFlight} in
  flight, eachBatch): ${b.kafkaBatched.recordsPerSecond} records/s, p50 ${b.kafkaBatched.latency.p50} ms, p99 ${b.kafkaBatched.latency.p99} ms;
- lean PostgreSQL transaction (${b.postgresTx.statements}; ${b.postgresTx.connections} connections):
  ${b.postgresTx.transactionsPerSecond} tx/s, p50 ${b.postgresTx.latency.p50} ms, p99 ${b.postgresTx.latency.p99} ms;
- one real delivery's statements (${b.postgresDelivery.statements}; ${b.postgresDelivery.connections} connections):
  ${b.postgresDelivery.transactionsPerSecond} tx/s, p50 ${b.postgresDelivery.latency.p50} ms, p99 ${b.postgresDelivery.latency.p99} ms.
- Outbox publish delay when idle (after the steps, 20 sign-ups 200 ms apart, each one's account.created;
  LISTEN/NOTIFY wakes the relay): p50 ${report.idlePublishDelay.p50} ms, p99 ${report.idlePublishDelay.p99} ms, max ${report.idlePublishDelay.max} ms.
- An order publishes ${report.settings.eventsPerOrder} events (counted in the outboxes). At the sustained rate the
  pipeline moves ${share(eventsPerSecond, b.kafkaHop.recordsPerSecond)} of the per-record Kafka rate and
  ${share(eventsPerSecond, b.kafkaBatched.recordsPerSecond)} of the batched one in events, and commits
  ${share(commitsPerSecond, b.postgresDelivery.transactionsPerSecond)} of the real-delivery transaction rate
  (${share(commitsPerSecond, b.postgresTx.transactionsPerSecond)} of the lean one).

Mails when the run ended: ${Object.entries(report.mails.byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; the SMTP sink received ${report.mails.received}.

Reconciliation over all ${r.orders} accepted orders (after a final drain of up to 3 minutes): lost ${r.lost},
duplicated ${r.duplicated}, still unfinished ${r.unfinished}
(${Object.entries(r.detail)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}).

![latency percentiles against offered rate](${chartFile})
`;
}

const SERIES = [
  ['p50', '#2b8a3e'],
  ['p95', '#1971c2'],
  ['p99', '#e8590c'],
  ['p999', '#c92a2a'],
] as const;

/** Latency percentiles (log scale) against offered rate: a plain SVG, no chart library. */
export function chart(steps: Omit<StepResult, 'orderIds'>[]): string {
  const width = 720;
  const height = 420;
  const pad = { left: 70, right: 120, top: 30, bottom: 50 };
  const values = steps.flatMap((s) => SERIES.map(([k]) => s.latency[k])).filter((v) => v > 0);
  const min = Math.max(0.1, Math.min(...values, 1));
  const max = Math.max(...values, 10);
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const x = (i: number): number =>
    pad.left + (steps.length <= 1 ? 0 : (i / (steps.length - 1)) * (width - pad.left - pad.right));
  const y = (v: number): number =>
    height -
    pad.bottom -
    ((Math.log10(Math.max(v, min)) - lo) / (hi - lo || 1)) * (height - pad.top - pad.bottom);
  const grid: string[] = [];
  for (let e = lo; e <= hi; e++) {
    grid.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`,
      `<text x="${pad.left - 8}" y="${y(10 ** e) + 4}" text-anchor="end">${10 ** e} ms</text>`,
    );
  }
  steps.forEach((s, i) =>
    grid.push(`<text x="${x(i)}" y="${height - pad.bottom + 20}" text-anchor="middle">${s.rate}</text>`),
  );
  const lines = SERIES.map(([key, color], n) => {
    const points = steps.map((s, i) => `${x(i).toFixed(1)},${y(s.latency[key]).toFixed(1)}`).join(' ');
    return (
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>` +
      `<text x="${width - pad.right + 10}" y="${pad.top + 20 * n}" fill="${color}">${key}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">Order latency (created → completed) vs offered rate</text>
${grid.join('\n')}
${lines.join('\n')}
<text x="${(width - pad.right + pad.left) / 2}" y="${height - 10}" text-anchor="middle">offered orders/s</text>
</svg>
`;
}
