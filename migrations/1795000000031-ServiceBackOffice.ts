import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The back office's services (#21.6). billing: who suspended a subscription, dunning (non_payment) or an operator,
 * since a payment lifts only the former. provisioning: the operator's list of services across tenants, newest
 * first on one index (a state filter reads it until it has its page: a build rewrites the state, and every index
 * with it), and a service by its order.
 */
export class ServiceBackOffice1795000000031 implements MigrationInterface {
  name = 'ServiceBackOffice1795000000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE billing.subscription
        ADD COLUMN suspend_reason text CHECK (suspend_reason IN ('non_payment', 'operator'))`);
    // Every suspension so far was dunning's.
    await q.query(
      `UPDATE billing.subscription SET suspend_reason = 'non_payment' WHERE status = 'suspended'`,
    );
    await q.query(`CREATE INDEX service_console_idx ON provisioning.service (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX service_order_idx ON provisioning.service (order_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX provisioning.service_order_idx`);
    await q.query(`DROP INDEX provisioning.service_console_idx`);
    await q.query(`ALTER TABLE billing.subscription DROP COLUMN suspend_reason`);
  }
}
