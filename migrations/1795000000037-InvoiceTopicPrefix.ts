import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * topic_prefix on billing.invoice: the environment (and test suite) that issued it, as on the saga's instances, so
 * an environment's operators list, void and refund its own invoices only in the back office. Rows from before are
 * the unprefixed environment's (''). The back office pages newest first by id (UUIDv7) on one index, or by tenant
 * (invoice_tenant_idx); a status filter reads that index until it has its page, since the hot path (open → paid)
 * would rewrite a status index on every order. ADD COLUMN with a constant default rewrites no row.
 */
export class InvoiceTopicPrefix1795000000037 implements MigrationInterface {
  name = 'InvoiceTopicPrefix1795000000037';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE billing.invoice ADD COLUMN topic_prefix text NOT NULL DEFAULT ''`);
    await q.query(`CREATE INDEX invoice_admin_idx ON billing.invoice (topic_prefix, id DESC)`);
    // A draft of 1795000000032 made a status index on development databases.
    await q.query(`DROP INDEX IF EXISTS billing.invoice_admin_status_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX billing.invoice_admin_idx`);
    await q.query(`ALTER TABLE billing.invoice DROP COLUMN topic_prefix`);
  }
}
