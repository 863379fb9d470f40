import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator console's sagas: each instance's history (every decision, timer, retry, compensation and operator
 * action, written in the transaction that applied it), and the indexes its list pages through.
 */
export class SagaConsole1795000000030 implements MigrationInterface {
  name = 'SagaConsole1795000000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE saga.history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id uuid NOT NULL REFERENCES saga.instance (id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        kind text NOT NULL
          CHECK (kind IN ('decision', 'timer_set', 'timer_fired', 'retry', 'compensation', 'operator')),
        status_before text,
        status_after text NOT NULL,
        step_before text,
        step_after text NOT NULL,
        cause_event_id uuid,
        cause_type text,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX history_instance_idx ON saga.history (instance_id, id)`);
    // The console lists an environment's sagas newest first (ids are UUIDv7), filtered by status and step or by
    // tenant; "stuck" compares updated_at with the step's deadline.
    await q.query(`CREATE INDEX instance_console_idx ON saga.instance (topic_prefix, id DESC)`);
    await q.query(
      `CREATE INDEX instance_console_status_idx ON saga.instance (topic_prefix, status, step, updated_at)`,
    );
    await q.query(
      `CREATE INDEX instance_console_tenant_idx ON saga.instance (topic_prefix, tenant_id, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX saga.instance_console_tenant_idx`);
    await q.query(`DROP INDEX saga.instance_console_status_idx`);
    await q.query(`DROP INDEX saga.instance_console_idx`);
    await q.query(`DROP TABLE saga.history`);
  }
}
