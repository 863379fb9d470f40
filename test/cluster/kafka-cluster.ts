import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { SOURCE_MODULES } from '@app/contracts';
import { TopicAdminService } from '@app/messaging';
import { loadConfig } from '@app/platform';
import { ROOT, waitFor } from '../support/processes.js';

const exec = promisify(execFile);

/**
 * The three brokers scripts/kafka/kafka.sh starts with KAFKA_CLUSTER_SIZE=3 (127.0.0.1:9092, :9094, :9096 unless
 * KAFKA_CLUSTER_BASE_PORT moves them), as scripts/test.sh passes them in KAFKA_BROKERS.
 */
export const CLUSTER_BROKERS = (process.env.KAFKA_BROKERS ?? '').split(',');

export type BrokerId = 1 | 2 | 3;

const clusterEnv = { ...process.env, KAFKA_CLUSTER_SIZE: '3' };

/** Starts a node of the cluster again (its data kept) and waits until it answers. */
export async function startBroker(id: BrokerId): Promise<void> {
  await exec('bash', ['scripts/kafka/kafka.sh', 'start-node', `broker-${id}`], {
    cwd: ROOT,
    env: clusterEnv,
    timeout: 120_000,
  });
}

/** SIGTERM: a controlled shutdown, leaderships handed over first (a rolling restart's step). */
export async function stopBroker(id: BrokerId): Promise<void> {
  await exec('bash', ['scripts/kafka/kafka.sh', 'stop-node', `broker-${id}`], {
    cwd: ROOT,
    env: clusterEnv,
    timeout: 120_000,
  });
}

/** SIGKILL: the broker dies as a crashed host's would, nothing flushed, nothing handed over. */
export function killBroker(id: BrokerId): void {
  const pidFile = join(
    process.env.KAFKA_CLUSTER_DIR ?? join(ROOT, 'scripts/kafka/.data-cluster'),
    `broker-${id}`,
    'kafka.pid',
  );
  process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
}

/** The cluster as an operator's tools see it: leaders, replicas, in-sync replicas, topic configs. */
export class ClusterView {
  readonly admin = new TopicAdminService({ ...loadConfig().messaging, brokers: CLUSTER_BROKERS });

  brokers(): Promise<number[]> {
    return this.admin.brokerIds();
  }

  partitions(topics: string[]) {
    return this.admin.partitionsOf(topics);
  }

  topicConfig(topics: string[], name: string) {
    return this.admin.topicConfig(topics, name);
  }

  /** The broker leading the most of the topics' partitions. */
  async busiestLeader(topics: string[]): Promise<BrokerId> {
    const counts = new Map<number, number>();
    for (const p of await this.partitions(topics)) {
      counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    }
    const [leader] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [1];
    return leader as BrokerId;
  }

  /** Partitions of the topics with fewer in-sync replicas than replicas. */
  async underReplicated(topics: string[]): Promise<number> {
    return (await this.partitions(topics)).filter((p) => p.isr.length < p.replicas.length).length;
  }

  /** Every partition of the topics fully in sync again (after a broker came back). */
  async inSync(topics: string[], timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () => ((await this.underReplicated(topics)) === 0 ? true : undefined),
      'every partition to be in sync on all three brokers',
      timeoutMs,
      500,
    );
  }

  close(): Promise<void> {
    return this.admin.onModuleDestroy();
  }
}

/** Outbox rows of the environment not yet on the broker, over every module. */
export async function outboxBacklog(pool: pg.Pool, prefix: string): Promise<number> {
  const parts = SOURCE_MODULES.map(
    (m) =>
      `SELECT count(*)::int AS n FROM "${m}".outbox WHERE published_at IS NULL AND starts_with(topic, $1)`,
  );
  const { rows } = await pool.query<{ n: number }>(
    `SELECT sum(n)::int AS n FROM (${parts.join(' UNION ALL ')}) s`,
    [prefix],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Events of one order that reached their partition in another order than their producer wrote them (outbox id
 * order): each event's first copy in the audit log, compared per topic, key and order. (Events of two orders of one
 * tenant come from concurrent transactions: their commit order, not their ids, decides which is published first.)
 */
export async function reorderedOrders(pool: pg.Pool, prefix: string): Promise<string[]> {
  const reordered: string[] = [];
  for (const m of SOURCE_MODULES) {
    const { rows } = await pool.query<{ topic: string; key: string; subject: string; offsets: string[] }>(
      `SELECT o.topic, o.key, s.subject, array_agg(l.first_offset ORDER BY o.id)::text[] AS offsets
         FROM "${m}".outbox o
         JOIN LATERAL (SELECT min(e."offset") AS first_offset FROM audit.event_log e
                        WHERE e.event_id = o.event_id::text AND e.topic = o.topic AND NOT e.is_dead_letter) l ON true
         CROSS JOIN LATERAL (SELECT coalesce(o.payload::jsonb ->> 'orderId', o.headers ->> 'ce_subject', '') AS subject) s
        WHERE starts_with(o.topic, $1) AND l.first_offset IS NOT NULL
        GROUP BY o.topic, o.key, s.subject`,
      [prefix],
    );
    for (const r of rows) {
      const offsets = r.offsets.map(BigInt);
      if (offsets.some((o, i) => i > 0 && o <= offsets[i - 1])) {
        reordered.push(`${r.topic} key ${r.key} order ${r.subject}: offsets ${r.offsets.join(',')}`);
      }
    }
  }
  return reordered;
}
