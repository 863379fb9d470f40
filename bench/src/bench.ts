// `npm run bench [-- --quick] [-- --split] [-- --rates 25,50,100]`: open-loop load through the storefront API against
// a freshly started monolith (or the eight split apps), with raw Kafka and PostgreSQL baselines measured in the
// same run. See bench/README.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SOURCE_MODULES } from '@app/contracts';
import { TopicAdminService } from '@app/messaging';
import { loadConfig } from '@app/platform';
import { measureBaselines } from './baselines.js';
import { cpuBetween, cpuSnapshot, marginalCpu, type MarginalCpu } from './cpu.sample.js';
import { BenchDatabase } from './bench.database.js';
import { summarize } from './latency.histogram.js';
import { MailSink } from './mail-sink.js';
import { writeReport, type BenchReport } from './bench.report.js';
import {
  kafkaRequestRates,
  runStep,
  statementRates,
  type StepPlan,
  type StepResult,
  type Tenant,
} from './load.step.js';
import { monolithRouter, splitRouter, StorefrontClient } from './storefront.client.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    split: { type: 'boolean', default: false },
    rates: { type: 'string' },
    'step-seconds': { type: 'string' },
    'warmup-seconds': { type: 'string' },
    tenants: { type: 'string', default: '50' },
    'target-p99-ms': { type: 'string', default: '100' },
    port: { type: 'string', default: '3900' },
  },
});
const quick = args.quick;
const split = args.split;
const rates = (args.rates ?? (quick ? '10,25,50' : '25,50,100,200,400')).split(',').map(Number);
const stepSeconds = Number(args['step-seconds'] ?? (quick ? 15 : 60));
// A broker and a monolith just started run their first orders at up to twice the CPU and ten times the p99 (the
// JVM's and V8's compilers at work, caches filling): a 20 s step right after a 5 s warm-up measured 279 ms of CPU
// per order and p99 2 s, the same step once warm 192–215 ms and 181 ms. 30 s of orders is past that.
const warmupSeconds = Number(args['warmup-seconds'] ?? (quick ? 30 : 60));
const IDLE_SECONDS = 10;
const tenantsWanted = Number(args.tenants);
const targetP99Ms = Number(args['target-p99-ms']);
const port = Number(args.port);
const prefix = `bench.${Date.now().toString(36)}.`;
const databaseUrl = process.env.DATABASE_URL ?? '';

const log = (line: string): void => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const config = loadConfig();
  const settings = { ...config.messaging, topicPrefix: prefix };
  const db = new BenchDatabase(databaseUrl);
  const statementsCounted = await db.countsStatements();
  log(
    statementsCounted
      ? 'pg_stat_statements is loaded: each step counts the statements an order costs'
      : 'pg_stat_statements is not loaded (shared_preload_libraries): no statement census',
  );

  log('baselines: Kafka per record and batched, PostgreSQL lean and real-delivery transactions');
  const baselines = await measureBaselines(settings, databaseUrl, quick);
  log(
    `kafka hop ${baselines.kafkaHop.recordsPerSecond} rec/s p99 ${baselines.kafkaHop.latency.p99} ms; ` +
      `kafka batched ${baselines.kafkaBatched.recordsPerSecond} rec/s; ` +
      `pg lean tx ${baselines.postgresTx.transactionsPerSecond} tx/s p99 ${baselines.postgresTx.latency.p99} ms; ` +
      `pg delivery tx ${baselines.postgresDelivery.transactionsPerSecond} tx/s p99 ${baselines.postgresDelivery.latency.p99} ms`,
  );

  const mail = new MailSink();
  const smtpUrl = await mail.start();
  // The monolith on `port`; split: app n of SOURCE_MODULES on port + 1 + n, requests routed as the gateway does.
  const portOf = (app: string) => port + 1 + SOURCE_MODULES.indexOf(app as (typeof SOURCE_MODULES)[number]);
  const processes = split
    ? SOURCE_MODULES.map((app) => startApp(`dist/apps/${app}/src/main.js`, portOf(app), smtpUrl))
    : [startApp('dist/src/main.js', port, smtpUrl)];
  const client = new StorefrontClient(
    split
      ? splitRouter((app) => `http://127.0.0.1:${portOf(app)}`)
      : monolithRouter(`http://127.0.0.1:${port}`),
    (email) => db.signUpToken(email, config.SECRETS_KEY),
  );
  const steps: StepResult[] = [];
  try {
    const ports = split ? SOURCE_MODULES.map(portOf) : [port];
    await Promise.all(ports.map((p, n) => waitReady(`http://127.0.0.1:${p}/health/ready`, processes[n])));
    db.countKafkaRequests(ports.map((p) => `http://127.0.0.1:${p}/metrics`));
    const adminToken = await client.token(process.env.BOOTSTRAP_ADMIN_API_KEY ?? '');
    const planId = await client.publishPlan(adminToken);
    const tenants: Tenant[] = [];
    for (let n = 0; n < tenantsWanted; n++) {
      tenants.push(await client.signUp(n));
    }
    // Orders learn the plan from catalog's event; the first order waits for that.
    while ((await client.placeOrder(tenants[0]?.token ?? '', planId, -1)).status !== 201) {
      await sleep(200);
    }
    log(`${tenants.length} tenants ready; warming up for ${warmupSeconds} s at ${rates[0]} orders/s`);
    const appPids = new Set(processes.flatMap((child) => (child.pid ? [child.pid] : [])));
    let sequence = 0;
    // Each step's orders carry sequence numbers after the previous step's, so every order is a new one.
    const runNext = async (plan: StepPlan): Promise<StepResult> => {
      const result = await runStep(plan, client, db, tenants, planId, sequence, appPids);
      sequence += result.arrivals;
      return result;
    };
    const warmupRate = rates[0] ?? 10;
    await runNext({
      rate: warmupRate,
      seconds: warmupSeconds,
      drainSeconds: 30,
      targetP99Ms,
      measured: false,
    });
    const autovacuum = await db.autovacuum();
    await sleep(5_000); // the warm-up's last orders settle
    // What the database does with no order in flight (pollers, relays, the benchmark's sampling): each step's
    // per-order counts leave it out.
    const idleBefore = await db.activity();
    const idleCpuBefore = cpuSnapshot(appPids);
    await sleep(IDLE_SECONDS * 1000);
    const idleCpu = cpuBetween(idleCpuBefore, cpuSnapshot(appPids), 0);
    const idleAfter = await db.activity();
    const idle = {
      commitsPerSecond: (idleAfter.commits - idleBefore.commits) / IDLE_SECONDS,
      rowWritesPerSecond: (idleAfter.writes - idleBefore.writes) / IDLE_SECONDS,
      statementsPerSecond: statementRates(idleBefore, idleAfter, IDLE_SECONDS),
      kafkaRequestsPerSecond: kafkaRequestRates(idleBefore, idleAfter, IDLE_SECONDS),
    };
    log(
      `idle: ${idle.commitsPerSecond.toFixed(1)} commits/s, ${idle.rowWritesPerSecond.toFixed(1)} row writes/s` +
        (idleCpu
          ? `, cpu ${idleCpu.machine} cores (app ${idleCpu.app}, broker ${idleCpu.broker}, postgres ${idleCpu.postgres}, ` +
            `load generator ${idleCpu.loadGenerator})`
          : ''),
    );
    for (const rate of rates) {
      await db.vacuumAnalyze();
      log(`step: ${rate} orders/s for ${stepSeconds} s (after VACUUM ANALYZE; autovacuum ${autovacuum})`);
      const step = await runNext({
        rate,
        seconds: stepSeconds,
        drainSeconds: 60,
        targetP99Ms,
        measured: true,
        idle,
      });
      steps.push(step);
      const l = step.latency;
      log(
        `  ${step.accepted}/${step.arrivals} accepted, ${step.completionsPerSecond.toFixed(1)} completed/s, ` +
          `p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} p99.9 ${l.p999} max ${l.max} ms ` +
          `(client: p50 ${step.clientLatency.p50} p99 ${step.clientLatency.p99} ms), backlog ${step.backlog.last}` +
          (step.cpu
            ? `, cpu ${step.cpu.machine} cores (app ${step.cpu.app}, broker ${step.cpu.broker}, ` +
              `postgres ${step.cpu.postgres}, load generator ${step.cpu.loadGenerator}), ${step.cpu.msPerOrder} ms/order`
            : '') +
          `, ${step.database.commitsPerOrder} commits and ${step.database.rowWritesPerOrder} row writes/order` +
          (step.sustained ? ', sustained' : `, NOT sustained: ${step.reasons.join('; ')}`),
      );
      if (!step.sustained && step.unfinished > 0) {
        log('  the system did not drain; higher rates would only measure the queue');
        break;
      }
    }
    const allOrders = steps.flatMap((s) => s.orderIds);
    // A saturated step leaves a queue: give it time to empty, so what reconciliation reports as lost is lost.
    const finalDrainEnds = Date.now() + 180_000;
    while ((await db.unfinished(allOrders)) > 0 && Date.now() < finalDrainEnds) {
      await sleep(1_000);
    }
    // The system is drained and warm: sign-ups one at a time, 200 ms apart, and how long the relay took to publish
    // each one's account.created (LISTEN/NOTIFY wakes it; its poll is the fallback).
    const idleSince = new Date();
    for (let n = 0; n < 20; n++) {
      await client.signUp(tenantsWanted + n);
      await sleep(200);
    }
    await sleep(1_000);
    const idlePublishDelay = summarize(
      await db.publishDelays('accounts', `${prefix}account.created`, idleSince),
    );
    log(
      `idle publish delay (account.created): p50 ${idlePublishDelay.p50} ms, max ${idlePublishDelay.max} ms`,
    );
    const reconciliation = await db.reconcile(allOrders, prefix);
    log(
      `reconciliation: ${reconciliation.orders} orders, lost ${reconciliation.lost}, ` +
        `duplicated ${reconciliation.duplicated}, still unfinished ${reconciliation.unfinished}`,
    );
    const sustained = steps.filter((s) => s.sustained).map((s) => s.rate);
    const report: BenchReport = {
      startedAt,
      mode: split ? 'split' : 'monolith',
      quick,
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: await db.serverVersion(),
        kafka: '4.4.0 (single-node KRaft, 127.0.0.1)',
      },
      settings: {
        tenants: tenants.length,
        stepSeconds,
        warmupSeconds,
        targetP99Ms,
        simulatorStepMs: 0,
        eventsPerOrder: await db.eventsPerOrder(allOrders),
        postgresMaintenance: `VACUUM ANALYZE of the whole database before each step; server autovacuum ${autovacuum}`,
        idleCommitsPerSecond: Math.round(idle.commitsPerSecond * 10) / 10,
        idleRowWritesPerSecond: Math.round(idle.rowWritesPerSecond * 10) / 10,
      },
      baselines,
      idlePublishDelay,
      idleCpu: idleCpu ?? null,
      steps: steps.map(({ orderIds: _ids, ...rest }) => rest),
      sustainedRate:
        reconciliation.lost === 0 &&
        reconciliation.duplicated === 0 &&
        reconciliation.unfinished === 0 &&
        sustained.length > 0
          ? Math.max(...sustained)
          : null,
      cpuMsPerOrderMarginal: headlineMarginal(steps),
      reconciliation,
      mails: { byStatus: await db.mailsByStatus(), received: mail.delivered },
    };
    for (const file of writeReport(`${ROOT}/bench/results`, report)) {
      log(`wrote ${file.slice(ROOT.length)}`);
    }
    log(
      `mails: ${Object.entries(report.mails.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${mail.delivered} received by the SMTP sink`,
    );
  } finally {
    for (const child of processes) {
      child.kill('SIGTERM');
    }
    await mail.stop();
    await db.close();
    const admin = new TopicAdminService(settings);
    await admin.deleteTopics(admin.catalogTopics()).catch(() => undefined);
    await admin.onModuleDestroy();
  }
}

/** The monolith, or one split app, with the benchmark's settings. */
function startApp(entry: string, appPort: number, smtpUrl: string): ChildProcess {
  // BENCH_NODE_ARGS: extra node flags for the app, e.g. `--prof` (a V8 tick log for `node --prof-process`).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', `${ROOT}/${entry}`], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(appPort),
      HOST: '127.0.0.1',
      KAFKA_TOPIC_PREFIX: prefix,
      PROVISIONING_SIMULATOR_STEP_MS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Every order's page holds its stream open until the order ends; a saturated step holds many per tenant.
      ORDER_STREAMS_PER_ACCOUNT: '1000',
      // Eight split apps share PostgreSQL's connections: a smaller pool each.
      DATABASE_POOL_SIZE: process.env.BENCH_DATABASE_POOL_SIZE ?? (split ? '10' : '30'),
      // Each consumer works on this many partitions at once (the saga reads ten topics of six partitions).
      KAFKA_PARTITIONS_CONCURRENCY: process.env.BENCH_PARTITIONS_CONCURRENCY ?? '24',
      LOG_LEVEL: 'warn',
      SMTP_URL: smtpUrl,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${url}: the app exited with ${child.exitCode}`);
    }
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return;
    }
    await sleep(250);
  }
  throw new Error(`${url}: not ready in 120 s`);
}

await main();

/**
 * The marginal CPU per order between the two highest steps the system kept up with (≥ 99 % of orders done within
 * 1 s of the last arrival), whatever their p99: beyond that the machine is saturated and busy time stops growing.
 */
function headlineMarginal(steps: StepResult[]): MarginalCpu | null {
  const [low, high] = steps.filter((s) => s.keptUp >= 0.99 && s.cpu).slice(-2);
  return low && high ? marginalCpu(low, high) : null;
}
