import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * provisioning: the actions customers take on their services (reboot, power off, power on, reinstall), one row per
 * request, at most one still running per service. orders: an order's history also shows those actions.
 */
export class ServiceActions1795000000027 implements MigrationInterface {
  name = 'ServiceActions1795000000027';

  async up(q: QueryRunner): Promise<void> {
    // idempotency_key: the customer's Idempotency-Key, with the hash of the request it was first used for.
    await q.query(`
      CREATE TABLE provisioning.service_action (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        service_id uuid NOT NULL REFERENCES provisioning.service (id),
        action text NOT NULL CHECK (action IN ('reboot', 'power_off', 'power_on', 'reinstall')),
        status text NOT NULL CHECK (status IN ('requested', 'completed', 'failed')),
        reason text,
        message text,
        requested_by uuid NOT NULL,
        idempotency_key text,
        request_hash text,
        requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        CHECK ((status = 'requested') = (finished_at IS NULL)),
        CHECK ((status = 'failed') = (reason IS NOT NULL)),
        CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX service_action_in_flight_idx ON provisioning.service_action (service_id)
         WHERE status = 'requested'`,
    );
    await q.query(
      `CREATE INDEX service_action_service_idx ON provisioning.service_action (service_id, id DESC)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX service_action_idempotency_key_idx ON provisioning.service_action (tenant_id, idempotency_key)
         WHERE idempotency_key IS NOT NULL`,
    );

    await q.query(`ALTER TABLE orders.order_step DROP CONSTRAINT order_step_kind_check`);
    await q.query(
      `ALTER TABLE orders.order_step ADD CONSTRAINT order_step_kind_check
         CHECK (kind IN ('status', 'invoice', 'payment', 'progress', 'action'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM orders.order_step WHERE kind = 'action'`);
    await q.query(`ALTER TABLE orders.order_step DROP CONSTRAINT order_step_kind_check`);
    await q.query(
      `ALTER TABLE orders.order_step ADD CONSTRAINT order_step_kind_check
         CHECK (kind IN ('status', 'invoice', 'payment', 'progress'))`,
    );
    await q.query(`DROP TABLE provisioning.service_action`);
  }
}
