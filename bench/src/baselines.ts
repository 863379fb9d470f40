import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { measureKafkaHop, type MessagingSettings } from '@app/messaging';
import { summarize, type LatencySummary } from './latency.histogram.js';

export interface Baselines {
  kafkaHop: { records: number; recordsPerSecond: number; latency: LatencySummary };
  postgresTx: {
    seconds: number;
    connections: number;
    transactionsPerSecond: number;
    latency: LatencySummary;
  };
}

/**
 * What one event hop costs at best on this machine: a raw produce→consume round with acks=all, and the
 * transaction every handler runs (inbox insert, state update, outbox insert) on its own.
 */
export async function measureBaselines(
  settings: MessagingSettings,
  databaseUrl: string,
  quick: boolean,
): Promise<Baselines> {
  const hop = await measureKafkaHop(settings, {
    records: quick ? 2_000 : 20_000,
    inFlight: 8,
    valueBytes: 600,
  });
  const postgresTx = await measurePostgresTransaction(databaseUrl, quick ? 5 : 20, 8);
  return {
    kafkaHop: {
      records: hop.records,
      recordsPerSecond: Math.round(hop.recordsPerSecond),
      latency: summarize(hop.latenciesMs),
    },
    postgresTx,
  };
}

async function measurePostgresTransaction(
  url: string,
  seconds: number,
  connections: number,
): Promise<Baselines['postgresTx']> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const schema = `bench_probe_${randomUUID().slice(0, 8)}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  try {
    await pool.query(
      `CREATE TABLE ${schema}.inbox (event_id uuid PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`,
    );
    await pool.query(`CREATE TABLE ${schema}.state (id int PRIMARY KEY, n bigint NOT NULL)`);
    await pool.query(
      `CREATE TABLE ${schema}.outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL, payload text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(), published_at timestamptz)`,
    );
    await pool.query(`INSERT INTO ${schema}.state SELECT g, 0 FROM generate_series(1, 10000) g`);
    const payload = JSON.stringify({ orderId: randomUUID(), status: 'confirmed', padding: 'x'.repeat(400) });
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const worker = async (): Promise<void> => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          const began = performance.now();
          await client.query('BEGIN');
          await client.query(`INSERT INTO ${schema}.inbox (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
            randomUUID(),
          ]);
          await client.query(`UPDATE ${schema}.state SET n = n + 1 WHERE id = $1`, [
            1 + Math.floor(Math.random() * 10_000),
          ]);
          await client.query(`INSERT INTO ${schema}.outbox (event_id, payload) VALUES ($1, $2)`, [
            randomUUID(),
            payload,
          ]);
          await client.query('COMMIT');
          latencies.push(performance.now() - began);
        }
      } finally {
        client.release();
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: connections }, worker));
    const elapsed = (performance.now() - began) / 1000;
    return {
      seconds,
      connections,
      transactionsPerSecond: Math.round(latencies.length / elapsed),
      latency: summarize(latencies),
    };
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
}
