import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { commitWithNextStatement, dataSourceOptions, queryAhead } from '@app/database';
import { processTicks, read, TICKS_PER_SECOND } from './cpu.sample.js';

/**
 * `npm run bench -- transactions`: what one handler-shaped transaction (inbox insert, the order's advisory lock as the
 * saga takes it, state update, outbox insert, through TypeORM on the pool the apps use) costs in CPU and wake-ups, in
 * turns: BEGIN on its own ("own"), BEGIN held for the first statement (DATABASE_DEFER_BEGIN, "held"), held with the
 * COMMIT carried by the outbox insert as the apps' held outbox rows do ("carried"), and carried with the lock sent
 * ahead of the update (queryAhead, "ahead"). Serial, back to back ("hot") and with a pause before each one
 * ("from idle", as at a few orders per second, where every delivery finds both processes asleep).
 */

/** CPU time and voluntary context switches (each a sleep, so a later wake-up) of one process. */
interface Counters {
  cpuMs: number;
  wakes: number;
}

/** The matching processes' counters, by pid. */
function counters(match: (pid: string) => boolean): Map<string, Counters> {
  const byPid = new Map<string, Counters>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && match(d))) {
    const status = read(`/proc/${pid}/status`);
    if (status) {
      byPid.set(pid, {
        cpuMs: (processTicks(pid) * 1_000) / TICKS_PER_SECOND,
        wakes: Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0),
      });
    }
  }
  return byPid;
}

/** What the processes alive at both ends did in between (a backend that ended meanwhile is left out). */
function since(before: Map<string, Counters>, after: Map<string, Counters>): Counters {
  let cpuMs = 0;
  let wakes = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start) {
      cpuMs += end.cpuMs - start.cpuMs;
      wakes += end.wakes - start.wakes;
    }
  }
  return { cpuMs, wakes };
}

const isPostgres = (pid: string) => read(`/proc/${pid}/comm`)?.trim() === 'postgres';
const isSelf = (pid: string) => Number(pid) === process.pid;

/** How the transaction's BEGIN and COMMIT travel. */
type Variant = 'own' | 'held' | 'carried' | 'ahead';
const VARIANTS: readonly Variant[] = ['own', 'held', 'carried', 'ahead'];

interface Result {
  variant: Variant;
  pauseMs: number;
  transactions: number;
  perSecond: number;
  appUs: number;
  postgresUs: number;
  appWakes: number;
  postgresWakes: number;
}

async function measure(url: string, variant: Variant, seconds: number, pauseMs: number): Promise<Result> {
  const source = new DataSource({
    ...dataSourceOptions({ url, poolSize: 1, logging: false, deferBegin: variant !== 'own' }),
    logging: false,
  });
  await source.initialize();
  try {
    const app0 = counters(isSelf);
    const pg0 = counters(isPostgres);
    const began = performance.now();
    let n = 0;
    while (performance.now() - began < seconds * 1_000) {
      await source.transaction(async (manager) => {
        await manager.query('INSERT INTO bench_tx.inbox VALUES ($1)', [randomUUID()]);
        const lock = `SELECT pg_advisory_xact_lock(hashtextextended('bench.order:' || $1, 0))`;
        if (variant === 'ahead') {
          await queryAhead(manager, lock, [n % 1_000]);
        } else {
          await manager.query(lock, [n % 1_000]);
        }
        await manager.query('UPDATE bench_tx.state SET n = n + 1 WHERE id = $1', [1 + (n % 1_000)]);
        if (variant === 'carried' || variant === 'ahead') {
          commitWithNextStatement(manager);
        }
        await manager.query('INSERT INTO bench_tx.outbox (payload) VALUES ($1)', ['x'.repeat(400)]);
      });
      n += 1;
      if (pauseMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
    const elapsed = (performance.now() - began) / 1_000;
    const app = since(app0, counters(isSelf));
    const postgres = since(pg0, counters(isPostgres));
    const per = (value: number) => Math.round((value * 100) / n) / 100;
    return {
      variant,
      pauseMs,
      transactions: n,
      perSecond: Math.round(n / elapsed),
      appUs: Math.round((app.cpuMs * 1_000) / n),
      postgresUs: Math.round((postgres.cpuMs * 1_000) / n),
      appWakes: per(app.wakes),
      postgresWakes: per(postgres.wakes),
    };
  } finally {
    await source.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '4' },
      'pause-ms': { type: 'string', default: '5' },
    },
  });
  const url = process.env.DATABASE_URL ?? '';
  const setup = new DataSource({
    ...dataSourceOptions({ url, poolSize: 1, logging: false }),
    logging: false,
  });
  await setup.initialize();
  await setup.query(`DROP SCHEMA IF EXISTS bench_tx CASCADE; CREATE SCHEMA bench_tx;
    CREATE TABLE bench_tx.inbox (id uuid PRIMARY KEY);
    CREATE TABLE bench_tx.state (id int PRIMARY KEY, n int NOT NULL);
    CREATE TABLE bench_tx.outbox (id bigserial PRIMARY KEY, payload text NOT NULL);
    INSERT INTO bench_tx.state SELECT g, 0 FROM generate_series(1, 1000) g`);
  const results: Result[] = [];
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const pauseMs of [0, Number(values['pause-ms'])]) {
        for (const variant of VARIANTS) {
          const result = await measure(url, variant, Number(values.seconds), pauseMs);
          console.log(JSON.stringify(result));
          results.push(result);
        }
      }
    }
  } finally {
    await setup.query('DROP SCHEMA bench_tx CASCADE');
    await setup.destroy();
  }
  console.log(
    '\n| BEGIN, COMMIT | pause | tx/s | app µs / tx | PostgreSQL µs / tx | app wake-ups / tx | PostgreSQL wake-ups / tx |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const pauseMs of [0, Number(values['pause-ms'])]) {
    for (const variant of VARIANTS) {
      const runs = results.filter((r) => r.variant === variant && r.pauseMs === pauseMs);
      const list = (pick: (r: Result) => number) => runs.map(pick).join(', ');
      console.log(
        `| ${variant} | ${pauseMs} ms | ${list((r) => r.perSecond)} | ${list((r) => r.appUs)} | ` +
          `${list((r) => r.postgresUs)} | ${list((r) => r.appWakes)} | ${list((r) => r.postgresWakes)} |`,
      );
    }
  }
}

await main();
