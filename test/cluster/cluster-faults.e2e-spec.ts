import { setTimeout as sleep } from 'node:timers/promises';
import { TopicAdminService } from '@app/messaging';
import { loadConfig } from '@app/platform';
import {
  FaultClient,
  FaultEnvironment,
  monolithReport,
  OrderLoad,
  startMonolith,
  stopProcess,
} from '../faults/fault-load.js';
import { uniquePrefix } from '../support/isolation.js';
import type { Spawned } from '../support/processes.js';
import {
  type BrokerId,
  CLUSTER_BROKERS,
  ClusterView,
  killBroker,
  outboxBacklog,
  reorderedOrders,
  startBroker,
  stopBroker,
} from './kafka-cluster.js';

/**
 * Orders of each scenario, open loop: arrivals at RATE per second whatever the cluster does, for 50 s, so every
 * fault (struck after FAULT_AT orders, the longest lasting OUTAGE_MS) falls inside the load. The rate is what the
 * 2-vCPU machine CI runs on carries with three brokers beside the app: at 6 orders/s the fault-free baseline's
 * slowest order took 87.5 s (a backlog, on the AMD EPYC machine of bench/README.md), and every scenario measured the
 * queue instead of the fault.
 */
const ORDERS = 200;
const RATE = 4;
/** The fault strikes once this many orders of the scenario were accepted. */
const FAULT_AT = 60;
/** How long two of the three brokers stay down. */
const OUTAGE_MS = 40_000;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface Outcome {
  scenario: string;
  fault: string;
  orders: number;
  maxOrderSeconds: number;
  backlogPeak: number;
  refused: Record<string, number>;
}

// Issue #20: the promise of zero loss on three brokers (topics RF 3, min.insync.replicas 2, unclean election off),
// each fault under 300 orders through the full saga, then reconciliation: nothing lost, nothing done twice, no saga
// stuck, every order over, and every key's records on the broker in the order their producer wrote them.
describe('faults on a three-broker cluster (monolith, real KRaft cluster and PostgreSQL)', () => {
  const prefix = uniquePrefix('cluster');
  const port = 3531;
  const env = new FaultEnvironment(prefix);
  const client = new FaultClient((path) => `http://127.0.0.1:${port}${path}`);
  const view = new ClusterView();
  const topics = new TopicAdminService({ ...loadConfig().messaging, topicPrefix: prefix }).catalogTopics();
  const outcomes: Outcome[] = [];
  let monolith: Spawned | undefined;
  let shop: { planId: string; tenants: { accountId: string; token: string }[] };

  const fail = (error: unknown): never => {
    throw new Error(`${String(error)}\n${monolithReport(monolith)}`);
  };

  beforeAll(async () => {
    expect({ brokers: CLUSTER_BROKERS.length, cluster: process.env.KAFKA_CLUSTER_SIZE }).toEqual({
      brokers: 3,
      cluster: '3',
    });
    expect(await view.brokers()).toEqual([1, 2, 3]);
    try {
      monolith = await startMonolith(prefix, port);
      shop = await client.storefront(env.pool, 12);
    } catch (error) {
      fail(error);
    }
  }, 120_000);

  afterAll(async () => {
    // Whatever happened, every broker up again for what follows.
    for (const id of [1, 2, 3] as const) {
      await startBroker(id).catch(() => undefined);
    }
    await stopProcess(monolith);
    for (const o of outcomes) {
      process.stdout.write(
        `[cluster] ${o.scenario}: ${o.fault}; ${o.orders} orders, max order ${o.maxOrderSeconds} s, ` +
          `outbox backlog peak ${o.backlogPeak}, refused ${JSON.stringify(o.refused)}\n`,
      );
    }
    await view.close();
    await env.close();
  }, 180_000);

  /** Runs the load with `fault` striking at FAULT_AT accepted orders; then every order must end, reconciled clean. */
  async function underLoad(scenario: string, fault: () => Promise<string>, rate = RATE): Promise<Outcome> {
    const load = new OrderLoad(client, env.pool, shop.tenants, shop.planId);
    let backlogPeak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        backlogPeak = Math.max(backlogPeak, await outboxBacklog(env.pool, prefix).catch(() => 0));
        await sleep(250);
      }
    })();
    load.startPaying();
    let struck: Promise<string> | undefined;
    await load.place(ORDERS, rate, (accepted) => {
      if (accepted === FAULT_AT) {
        struck = fault();
      }
    });
    const fault_ = await struck;
    const { report, text } = await env.settle(240_000);
    await load.stop();
    sampling = false;
    await sampler;
    const { rows } = await env.pool.query<{ s: number | null }>(
      `SELECT max(extract(epoch FROM (updated_at - created_at)))::float AS s FROM orders."order" WHERE id = ANY($1::uuid[])`,
      [load.accepted],
    );
    const outcome: Outcome = {
      scenario,
      fault: fault_ ?? 'did not strike',
      orders: load.accepted.length,
      maxOrderSeconds: Math.round((rows[0]?.s ?? 0) * 10) / 10,
      backlogPeak,
      refused: load.refused,
    };
    outcomes.push(outcome);
    process.stdout.write(`[cluster] ${scenario}: ${JSON.stringify(outcome)}\n${text}\n`);
    expect(outcome.orders).toBe(ORDERS);
    expect(report.terminalOrders).toBe(report.orders);
    expect({ lost: report.lost, duplicated: report.duplicated, stuck: report.stuckSagas }).toEqual({
      lost: 0,
      duplicated: 0,
      stuck: 0,
    });
    expect(report.findings.filter((f) => f.count > 0)).toEqual([]);
    expect(await reorderedOrders(env.pool, prefix)).toEqual([]);
    return outcome;
  }

  it('creates every topic with three replicas, min.insync.replicas 2 and no unclean election, and reports a topic below that', async () => {
    const partitions = await view.partitions(topics);
    expect(new Set(partitions.map((p) => p.replicas.length))).toEqual(new Set([3]));
    expect(new Set((await view.topicConfig(topics, 'min.insync.replicas')).values())).toEqual(new Set(['2']));
    expect(new Set((await view.topicConfig(topics, 'unclean.leader.election.enable')).values())).toEqual(
      new Set(['false']),
    );
    const internal = await view.partitions(['__consumer_offsets', '__transaction_state']);
    expect(new Set(internal.map((p) => p.replicas.length))).toEqual(new Set([3]));

    // A topic made by hand with one replica is reported at boot (and by npm run topics:create), not altered.
    const stray = uniquePrefix('stray');
    const single = new TopicAdminService({
      ...loadConfig().messaging,
      topicPrefix: stray,
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
    const checked = new TopicAdminService({ ...loadConfig().messaging, topicPrefix: stray });
    try {
      const first = single.catalogTopics()[0] ?? '';
      await single.ensureTopics([first]);
      const report = await checked.ensureTopics([first]);
      expect(report.underReplicated).toEqual([
        {
          topic: first,
          replicas: 1,
          minInsyncReplicas: 1,
          expectedReplicas: 3,
          expectedMinInsyncReplicas: 2,
        },
      ]);
      expect((await checked.ensureTopics(checked.catalogTopics().slice(1, 3))).underReplicated).toEqual([]);
    } finally {
      await single.deleteTopics(single.catalogTopics());
      await single.onModuleDestroy();
      await checked.onModuleDestroy();
    }
  });

  it('no fault: the baseline the faults are measured against', async () => {
    await underLoad('no fault', () => Promise.resolve('none (baseline)')).catch(fail);
  }, 400_000);

  it('SIGKILL of the broker leading the most partitions, back after 10 s', async () => {
    await underLoad('leader killed', async () => {
      const victim = await view.busiestLeader(topics);
      killBroker(victim);
      await sleep(10_000);
      await startBroker(victim);
      return `broker ${victim} (leading the most partitions) SIGKILLed, started again 10 s later`;
    }).catch(fail);
    await view.inSync(topics);
  }, 400_000);

  it('SIGKILL of one broker for good: the other two carry on', async () => {
    let victim: BrokerId = 1;
    try {
      await underLoad('one broker lost', async () => {
        victim = await view.busiestLeader(topics);
        killBroker(victim);
        return `broker ${victim} SIGKILLed and left down`;
      }).catch(fail);
    } finally {
      // Only now, after every order ended on two brokers, does it come back.
      await startBroker(victim);
      await view.inSync(topics);
    }
  }, 400_000);

  it('SIGKILL of two brokers: writes stop, the outbox holds every event, nothing lost or reordered when they return', async () => {
    let killedAt = 0;
    const outcome = await underLoad('two brokers lost', async () => {
      killedAt = monolith?.output().length ?? 0;
      killBroker(1);
      killBroker(2);
      // Orders are still taken (REST writes PostgreSQL), but no event reaches the broker: the backlog grows.
      const start = await outboxBacklog(env.pool, prefix);
      // Longer than a produce request waits for its acknowledgements (30 s): the refusals come within it.
      await sleep(OUTAGE_MS);
      const grown = await outboxBacklog(env.pool, prefix);
      await Promise.all([startBroker(1), startBroker(2)]);
      return `brokers 1 and 2 SIGKILLed for ${OUTAGE_MS / 1000} s (outbox backlog ${start} → ${grown})`;
    }).catch(fail);
    expect(outcome.backlogPeak).toBeGreaterThan(FAULT_AT);
    // The producer saw its writes refused (one in-sync replica left, two required) or time out, and said so.
    const refusals = (monolith?.output() ?? '')
      .slice(killedAt)
      .split('\n')
      .filter((l) => l.includes('relay error') || l.includes('kafkajs:Producer'));
    const notEnough = refusals.filter((l) => /fewer in-sync replicas|NOT_ENOUGH_REPLICAS/.test(l));
    process.stdout.write(
      `[cluster] producer errors after two brokers died: ${refusals.length}, ${notEnough.length} of them ` +
        `NOT_ENOUGH_REPLICAS:\n${[...new Set(refusals.map((l) => (/"msg":"([^"]{0,160})/.exec(l)?.[1] ?? l).replace(/\d+/g, 'N')))].join('\n')}\n`,
    );
    expect(notEnough.length).toBeGreaterThan(0);
    await view.inSync(topics);
  }, 400_000);

  it('a rolling restart of the three brokers, one at a time, while the load runs', async () => {
    await underLoad('rolling restart', async () => {
      const steps: string[] = [];
      for (const id of [1, 2, 3] as const) {
        const began = Date.now();
        await stopBroker(id);
        const stopped = Date.now();
        await startBroker(id);
        const started = Date.now();
        await view.inSync(topics);
        steps.push(
          `broker ${id}: stop ${seconds(stopped - began)}, start ${seconds(started - stopped)}, in sync ${seconds(Date.now() - started)}`,
        );
      }
      return `brokers 1, 2, 3 stopped (SIGTERM) and started in turn, each back in sync before the next (${steps.join('; ')})`;
    }).catch(fail);
    // Three restarts, each step bounded by its own wait (stop and start 120 s, in sync 90 s), then the settle (240 s).
    // 400 s was once too short on a loaded 2-core machine; each step's time is now in the report.
  }, 900_000);
});
