import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Saga instances with their database-backed timers, and the read models the orchestrator needs. */
export class Saga1795000000012 implements MigrationInterface {
  name = 'Saga1795000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saga.instance (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE,
        tenant_id uuid NOT NULL,
        correlation_id text NOT NULL,
        definition text NOT NULL,
        definition_version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'failed')),
        step text NOT NULL,
        data jsonb NOT NULL,
        compensations jsonb NOT NULL DEFAULT '[]',
        failure jsonb,
        timer_kind text,
        timer_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX instance_timer_idx ON saga.instance (timer_at) WHERE timer_at IS NOT NULL`);
    // Replies that overtake the order.created that starts their saga wait here (a retry in place would stall the
    // whole consumer, including the partition that carries order.created).
    await q.query(`
      CREATE TABLE saga.parked_event (
        event_id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        event_type text NOT NULL,
        correlation_id text NOT NULL,
        data jsonb NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX parked_event_order_idx ON saga.parked_event (order_id, parked_at)`);
    await q.query(`
      CREATE TABLE saga.account_view (
        account_id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE saga.plan_view (
        plan_id uuid PRIMARY KEY,
        vcpus integer NOT NULL,
        memory_mb integer NOT NULL,
        disk_gb integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE saga.instance, saga.parked_event, saga.account_view, saga.plan_view`);
  }
}
