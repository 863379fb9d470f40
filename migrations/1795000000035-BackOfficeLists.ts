import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The back office's lists of accounts and orders across tenants (#21.6).
 *
 * - topic_prefix on accounts.account and orders."order": the environment (and test suite) that created the row, as
 *   on the saga's instances and the audit log, so an environment's operators list its own accounts and orders only.
 *   Rows from before are the unprefixed environment's ('').
 * - Both lists page newest first by keyset on (created_at, id). Accounts, rarely written, have an index per filter
 *   that reads in that order (ascending, scanned backwards); orders, rewritten at each status change on the hot
 *   path, have one, and a filtered page reads it until it has its rows.
 * - Accounts are searched by email prefix or exact address, case-insensitively: lower(email) with text_pattern_ops
 *   serves `LIKE 'prefix%'` whatever the database's collation.
 * - The account keeps its current suspension (reason, note, when, by whom) for the list; the audit log keeps every
 *   one that came before.
 *
 * ADD COLUMN with a constant default changes no row (PostgreSQL stores the default in the catalog). Plain CREATE
 * INDEX, as in AuditSearch: on large tables build them CONCURRENTLY beforehand; IF NOT EXISTS makes this a no-op.
 */
export class BackOfficeLists1795000000035 implements MigrationInterface {
  name = 'BackOfficeLists1795000000035';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE accounts.account
        ADD COLUMN topic_prefix text NOT NULL DEFAULT '',
        ADD COLUMN suspension_reason text,
        ADD COLUMN suspension_note text,
        ADD COLUMN suspended_at timestamptz,
        ADD COLUMN suspended_by uuid`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS account_admin_idx ON accounts.account (topic_prefix, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS account_admin_status_idx ON accounts.account (topic_prefix, status, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS account_admin_email_idx
         ON accounts.account (topic_prefix, lower(email) text_pattern_ops)`,
    );

    await q.query(`ALTER TABLE orders."order" ADD COLUMN topic_prefix text NOT NULL DEFAULT ''`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS order_admin_idx ON orders."order" (topic_prefix, created_at, id)`,
    );
    // One index for the console's list: an order's status changes several times on the hot path, and every
    // index on the table is written again at each change. The tenant, status and plan filters read this index
    // newest first and skip what does not match (an operator's page of 50 rows); tenants' own lists keep theirs.
    await q.query(
      `CREATE INDEX IF NOT EXISTS order_admin_idx ON orders."order" (topic_prefix, created_at, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders.order_admin_idx`);
    await q.query(`ALTER TABLE orders."order" DROP COLUMN topic_prefix`);
    await q.query(`DROP INDEX accounts.account_admin_email_idx`);
    await q.query(`DROP INDEX accounts.account_admin_status_idx`);
    await q.query(`DROP INDEX accounts.account_admin_idx`);
    await q.query(`
      ALTER TABLE accounts.account
        DROP COLUMN suspended_by,
        DROP COLUMN suspended_at,
        DROP COLUMN suspension_note,
        DROP COLUMN suspension_reason,
        DROP COLUMN topic_prefix`);
  }
}
