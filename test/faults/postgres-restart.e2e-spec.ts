import { uniquePrefix } from '../support/isolation.js';
import { waitFor, type Spawned } from '../support/processes.js';
import {
  FaultClient,
  FaultEnvironment,
  monolithReport,
  OrderLoad,
  startMonolith,
  stopProcess,
  postgres,
  summary,
} from './fault-load.js';

const ORDERS = 200;
const RATE = 40;
/** PostgreSQL restarts once this many orders were accepted, in the middle of the arrivals. */
const RESTART_AFTER = 60;
/** Orders placed once the monolith is ready again: every one of them must be accepted. */
const AFTER_RECOVERY = 40;

// PostgreSQL restarted (every connection of every process dropped) while orders arrive and move: the monolith
// recovers without anyone touching it, every order ends, nothing is lost, nothing is done twice.
describe('faults: PostgreSQL restart under load', () => {
  const prefix = uniquePrefix('faults-pg');
  const port = 3522;
  const env = new FaultEnvironment(prefix);
  const client = new FaultClient((path) => `http://127.0.0.1:${port}${path}`);
  let monolith: Spawned | undefined;

  afterAll(async () => {
    // Whatever happened, the database must be up for the suites that follow.
    await postgres('start').catch(() => undefined);
    await stopProcess(monolith);
    await env.close();
  }, 120_000);

  it('every order reaches a terminal state; reconciliation finds 0 lost, 0 duplicated', async () => {
    try {
      await scenario();
    } catch (error) {
      throw new Error(`${String(error)}\n${monolithReport(monolith)}`);
    }
  }, 240_000);

  async function scenario(): Promise<void> {
    monolith = await startMonolith(prefix, port);
    const { planId, tenants } = await client.storefront(env.pool, 8);

    const load = new OrderLoad(client, env.pool, tenants, planId);
    load.startPaying();
    let restarted: Promise<number> | undefined;
    await load.place(ORDERS, RATE, (accepted) => {
      if (accepted === RESTART_AFTER) {
        const started = Date.now();
        restarted = postgres('restart').then(() => Date.now() - started);
      }
    });
    const restartMs = await restarted;
    // The apps must come back on their own: readiness again, then the orders drain.
    await waitFor(
      async () => ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok ? true : undefined),
      'the monolith ready again after the restart',
      60_000,
      250,
    );
    // How many arrivals met the restart depends on how long it took; once ready again, nothing may be refused.
    const ordersRefused = (): number =>
      Object.entries(load.refused).reduce(
        (n, [what, count]) => (what.startsWith('order ') ? n + count : n),
        0,
      );
    const beforeRecovery = { accepted: load.accepted.length, refused: ordersRefused() };
    await load.place(AFTER_RECOVERY, RATE / 4);
    const { report, text } = await env.settle(120_000);
    await load.stop();
    const orders = load.accepted.length;
    console.log(
      `${summary('PostgreSQL restart', orders, 1, report, await env.maxCompletionSeconds())}, ` +
        `restart took ${restartMs ?? '?'} ms, refused ${JSON.stringify(load.refused)}\n${text}`,
    );
    expect(restartMs).toBeDefined();
    // Requests that met the restart may be refused (the client sees an error); those before it and after recovery
    // must all be accepted.
    expect(beforeRecovery.accepted).toBeGreaterThanOrEqual(RESTART_AFTER);
    expect({ accepted: orders - beforeRecovery.accepted, refused: ordersRefused() }).toEqual({
      accepted: AFTER_RECOVERY,
      refused: beforeRecovery.refused,
    });
    expect(report.orders).toBeGreaterThanOrEqual(orders);
    expect(report.terminalOrders).toBe(report.orders);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(report.findings.filter((f) => f.count > 0)).toEqual([]);
    // A request that met the restart is answered 503 (retry later), never 500.
    expect(Object.keys(load.refused).filter((what) => !/ (503|transport error)$/.test(what))).toEqual([]);
  }
});
