import { setTimeout as sleep } from 'node:timers/promises';
import { SOURCE_MODULES, type SourceModule } from '@app/contracts';
import { uniquePrefix } from '../support/isolation.js';
import { SplitCluster } from '../split/split-cluster.js';
import { FaultClient, FaultEnvironment, faultEnv, OrderLoad, summary } from './fault-load.js';

/** Orders of each wave: arrivals for WAVE_ORDERS / WAVE_RATE seconds, the kill KILL_AT_MS into the wave. */
const WAVE_ORDERS = 24;
const WAVE_RATE = 6;
const KILL_AT_MS = 1_000;
const BASE_PORT = 3640;

/** The app that serves a REST path in split mode. */
function owner(path: string): SourceModule {
  if (path.startsWith('/v1/orders')) {
    return 'orders';
  }
  if (path.startsWith('/v1/invoices')) {
    return 'billing';
  }
  if (path.startsWith('/v1/admin/catalog')) {
    return 'catalog';
  }
  return 'accounts';
}

// The eight apps as separate processes; under a steady stream of orders each in turn is SIGKILLed (no shutdown hook
// runs: in-flight handlers, relay batches and build steps die half-done) and started again. Every order ends,
// nothing is lost, nothing is done twice.
describe('faults: SIGKILL of each split app under load', () => {
  const prefix = uniquePrefix('faults-split');
  const env = new FaultEnvironment(prefix);
  const cluster = new SplitCluster(BASE_PORT, { ...faultEnv(prefix), DATABASE_POOL_SIZE: '4' });
  const client = new FaultClient((path) => `http://127.0.0.1:${cluster.portOf(owner(path))}${path}`);
  /** Output of the processes that were killed, for a failure report. */
  const killedLogs: string[] = [];

  afterAll(async () => {
    await cluster.stopAll();
    await env.close();
  }, 60_000);

  it('kills and restarts each app in turn; every order ends, 0 lost, 0 duplicated', async () => {
    try {
      await scenario();
    } catch (error) {
      throw new Error(`${String(error)}\n${killedLogs.join('\n')}\n${cluster.logs(3_000)}`);
    }
  }, 330_000);

  async function scenario(): Promise<void> {
    for (const app of SOURCE_MODULES) {
      cluster.start(app);
    }
    await Promise.all(SOURCE_MODULES.map((app) => cluster.ready(app, 90_000)));
    const { planId, tenants } = await client.storefront(env.pool, 6);

    const load = new OrderLoad(client, env.pool, tenants, planId);
    load.startPaying();
    const lines: string[] = [];
    const kills: { app: SourceModule; inFlight: number }[] = [];
    for (const app of SOURCE_MODULES) {
      const before = load.accepted.length;
      const wave = load.place(WAVE_ORDERS, WAVE_RATE);
      await sleep(KILL_AT_MS);
      const inFlight = await env.unfinished();
      const victim = cluster.instance(app);
      victim.proc.child.kill('SIGKILL');
      await victim.proc.exited;
      killedLogs.push(`--- ${app} (killed) ---\n${victim.proc.output().slice(-2_000)}`);
      const restarted = Date.now();
      cluster.start(app);
      await cluster.ready(app, 60_000);
      const readyIn = (Date.now() - restarted) / 1000;
      await wave;
      lines.push(
        `[faults]   SIGKILL ${app}: ${inFlight} orders in flight at the kill, ` +
          `${load.accepted.length - before} accepted in its wave, back in ${readyIn.toFixed(1)} s`,
      );
      kills.push({ app, inFlight });
    }
    const { report, text } = await env.settle(150_000);
    await load.stop();
    const orders = load.accepted.length;
    console.log(
      `${summary('SIGKILL of each split app', orders, SOURCE_MODULES.length, report, await env.maxCompletionSeconds())}, ` +
        `refused ${JSON.stringify(load.refused)}\n${lines.join('\n')}\n${text}`,
    );
    // Only the orders app's own outage may refuse orders; every other kill is invisible to the storefront.
    expect(orders).toBeGreaterThanOrEqual(WAVE_ORDERS * (SOURCE_MODULES.length - 1));
    expect(kills.filter((k) => k.inFlight === 0)).toEqual([]);
    expect(report.orders).toBeGreaterThanOrEqual(orders);
    expect(report.terminalOrders).toBe(report.orders);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(report.findings.filter((f) => f.count > 0)).toEqual([]);
  }
});
