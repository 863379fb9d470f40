import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * accounts: API keys get a name (customers hold several and revoke them one by one) and are listed by account.
 * orders: a lifted suspension is kept beside the suspension, each with its event's time, so account.suspended and
 * account.unsuspended (two topics, no order between them) end in the latest one's state whatever order they arrive in.
 */
export class SessionsAndKeys1795000000024 implements MigrationInterface {
  name = 'SessionsAndKeys1795000000024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts.api_key ADD COLUMN name text NOT NULL DEFAULT 'default'`);
    await q.query(`CREATE INDEX api_key_account_id_idx ON accounts.api_key (account_id)`);
    await q.query(`ALTER TABLE orders.suspended_tenant ADD COLUMN lifted_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders.suspended_tenant DROP COLUMN lifted_at`);
    await q.query(`DROP INDEX accounts.api_key_account_id_idx`);
    await q.query(`ALTER TABLE accounts.api_key DROP COLUMN name`);
  }
}
