import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { measureKafkaHop, type MessagingSettings } from '@app/messaging';
import { summarize, type LatencySummary } from './latency.histogram.js';

export interface KafkaBaseline {
  records: number;
  recordsPerSend: number;
  inFlight: number;
  recordsPerSecond: number;
  latency: LatencySummary;
}

export interface PostgresBaseline {
  seconds: number;
  connections: number;
  /** What one transaction runs. */
  statements: string;
  transactionsPerSecond: number;
  latency: LatencySummary;
}

export interface Baselines {
  /** One record per produce request, 8 requests in flight: the round-trip floor of one hop. */
  kafkaHop: KafkaBaseline;
  /** 100 records per produce request, read a fetched batch at a time: what the broker carries when batched. */
  kafkaBatched: KafkaBaseline;
  /** The leanest handler transaction: inbox insert, one state update, outbox insert, on probe tables. */
  postgresTx: PostgresBaseline;
  /** One real delivery's statements (orders taking payment.received) on the real tables of the bench database. */
  postgresDelivery: PostgresBaseline;
}

/**
 * What one event hop costs at best on this machine, measured in the same run as the pipeline: Kafka per record and
 * batched (acks=all), and PostgreSQL as a lean transaction and as the real statements of one delivery.
 */
export async function measureBaselines(
  settings: MessagingSettings,
  databaseUrl: string,
  quick: boolean,
): Promise<Baselines> {
  const kafka = async (records: number, recordsPerSend: number, inFlight: number): Promise<KafkaBaseline> => {
    const hop = await measureKafkaHop(settings, { records, inFlight, valueBytes: 600, recordsPerSend });
    return {
      records,
      recordsPerSend,
      inFlight,
      recordsPerSecond: Math.round(hop.recordsPerSecond),
      latency: summarize(hop.latenciesMs),
    };
  };
  const seconds = quick ? 5 : 20;
  return {
    kafkaHop: await kafka(quick ? 2_000 : 20_000, 1, 8),
    kafkaBatched: await kafka(quick ? 20_000 : 200_000, 100, 4),
    postgresTx: await measureLeanTransaction(databaseUrl, seconds, 8),
    postgresDelivery: await measureRealDelivery(databaseUrl, seconds, 8),
  };
}

/** Runs `transaction` on `connections` connections for `seconds`, each in BEGIN … COMMIT. */
async function measureTransactions(
  pool: pg.Pool,
  seconds: number,
  connections: number,
  transaction: (client: pg.PoolClient) => Promise<void>,
): Promise<{ transactionsPerSecond: number; latency: LatencySummary }> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      while (performance.now() < deadline) {
        const began = performance.now();
        await client.query('BEGIN');
        await transaction(client);
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
  return { transactionsPerSecond: Math.round(latencies.length / elapsed), latency: summarize(latencies) };
}

async function measureLeanTransaction(
  url: string,
  seconds: number,
  connections: number,
): Promise<PostgresBaseline> {
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
    const measured = await measureTransactions(pool, seconds, connections, async (client) => {
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
    });
    return { seconds, connections, statements: 'inbox insert, state update, outbox insert', ...measured };
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
}

const PROBE_GROUP = 'bench.probe';
const PROBE_TOPIC = 'bench.probe.order.confirmed';

/**
 * The statements orders runs when payment.received arrives (OrderProgressService.paymentReceived), on the migrated tables
 * with their indexes and triggers: inbox insert, the order's row locked and read, its status moved, the status
 * step and the payment news recorded, order.confirmed written to the outbox (whose trigger NOTIFYs the relay).
 * Probe orders of a tenant of their own, removed afterwards with everything they wrote.
 */
async function measureRealDelivery(
  url: string,
  seconds: number,
  connections: number,
): Promise<PostgresBaseline> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const tenant = randomUUID();
  const orders: string[] = Array.from({ length: 2_000 }, () => randomUUID());
  await pool.query(
    `INSERT INTO orders."order" (id, tenant_id, plan_id, region, image, hostname, billing_cycle, price_minor,
       currency, status)
     SELECT id, $2, $3, 'probe', 'probe', 'probe.example.com', 'monthly', 500, 'EUR', 'awaiting_payment'
     FROM unnest($1::uuid[]) AS id`,
    [orders, tenant, randomUUID()],
  );
  const headers = JSON.stringify({ ce_type: 'order.confirmed', ce_tenantid: tenant, ce_source: 'orders' });
  try {
    const measured = await measureTransactions(pool, seconds, connections, async (client) => {
      const orderId = orders[Math.floor(Math.random() * orders.length)] ?? '';
      const eventId = randomUUID();
      await client.query(
        `INSERT INTO orders.inbox (consumer_group, event_id, event_type, topic, partition, "offset")
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
        [PROBE_GROUP, eventId, 'payment.received', 'bench.probe.payment.received', 0, '0'],
      );
      await client.query(`SELECT * FROM orders."order" WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [
        orderId,
        tenant,
      ]);
      await client.query(`UPDATE orders."order" SET status = $2, updated_at = $3 WHERE id = $1`, [
        orderId,
        'confirmed',
        new Date(),
      ]);
      await client.query(
        `INSERT INTO orders.order_step (order_id, status, event_type, event_id) VALUES ($1, $2, $3, $4)
         RETURNING id, at, kind`,
        [orderId, 'confirmed', 'payment.received', eventId],
      );
      await client.query(
        `INSERT INTO orders.order_step (order_id, status, event_type, event_id, kind, detail)
         VALUES ($1, $2, $3, $4, 'payment', $5) RETURNING id, at`,
        [orderId, 'confirmed', 'payment.received', eventId, JSON.stringify({ outcome: 'received' })],
      );
      await client.query(
        `INSERT INTO orders.outbox (event_id, topic, key, headers, payload) VALUES ($1, $2, $3, $4, $5)`,
        [randomUUID(), PROBE_TOPIC, tenant, headers, JSON.stringify({ orderId, padding: 'x'.repeat(300) })],
      );
    });
    return {
      seconds,
      connections,
      statements:
        'orders on payment.received: inbox insert, order locked, status update, two steps, outbox insert (NOTIFY)',
      ...measured,
    };
  } finally {
    await pool.query(`DELETE FROM orders.order_step WHERE order_id = ANY($1::uuid[])`, [orders]);
    await pool.query(`DELETE FROM orders."order" WHERE id = ANY($1::uuid[])`, [orders]);
    await pool.query(`DELETE FROM orders.inbox WHERE consumer_group = $1`, [PROBE_GROUP]);
    await pool.query(`DELETE FROM orders.outbox WHERE topic = $1`, [PROBE_TOPIC]);
    await pool.end();
  }
}
