import { uniquePrefix } from '../support/isolation.js';
import { type Spawned } from '../support/processes.js';
import {
  FaultClient,
  FaultEnvironment,
  monolithReport,
  kafka,
  OrderLoad,
  startMonolith,
  stopProcess,
  summary,
} from './fault-load.js';

const ORDERS = 340;
const RATE = 80;
/** The broker goes down once this many orders were accepted, and stays down until every order was placed. */
const STOP_AFTER = 20;
const REQUIRED_IN_FLIGHT = 300;

// The broker stopped (SIGTERM, as an upgrade or a host restart would) while hundreds of orders are between steps, and
// started again: every order ends, nothing is lost, nothing is done twice.
describe('faults: broker restart under load', () => {
  const prefix = uniquePrefix('faults-broker');
  const port = 3521;
  const env = new FaultEnvironment(prefix);
  const client = new FaultClient((path) => `http://127.0.0.1:${port}${path}`);
  let monolith: Spawned | undefined;

  afterAll(async () => {
    // Whatever happened, the broker must be up for the suites that follow.
    await kafka('start');
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
    let brokerDown: Promise<void> | undefined;
    const placed = load.place(ORDERS, RATE, (accepted) => {
      if (accepted === STOP_AFTER) {
        brokerDown = kafka('stop');
      }
    });
    await placed;
    await brokerDown;
    // With the broker down no event moves: every order placed so far is in flight.
    const inFlight = await env.unfinished();
    const outage = Date.now();
    await kafka('start');
    const brokerUp = Date.now();
    const downSeconds = Math.round((brokerUp - outage) / 100) / 10;

    const { report, text } = await env.settle(150_000);
    const drainSeconds = Math.round((Date.now() - brokerUp) / 100) / 10;
    await load.stop();
    const orders = load.accepted.length;
    console.log(
      `${summary('broker restart', orders, 1, report, await env.maxCompletionSeconds())}, ` +
        `${inFlight} in flight at the restart, broker start ${downSeconds} s, drained ${drainSeconds} s after it, refused ${JSON.stringify(load.refused)}\n${text}`,
    );
    expect(inFlight).toBeGreaterThanOrEqual(REQUIRED_IN_FLIGHT);
    expect(orders).toBe(ORDERS);
    expect(report.orders).toBe(orders);
    expect(report.terminalOrders).toBe(orders);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(report.findings.filter((f) => f.count > 0)).toEqual([]);
  }
});
