import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMAS = [
  'accounts',
  'catalog',
  'orders',
  'provisioning',
  'billing',
  'notifications',
  'audit',
  'saga',
];

/**
 * One schema per domain, each with its own outbox and inbox so a split app can move to its own database. The outbox
 * trigger wakes the domain's relay at commit (LISTEN/NOTIFY); polling is only the fallback.
 */
export class CreateDomainSchemas1795000000000 implements MigrationInterface {
  name = 'CreateDomainSchemas1795000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const s of SCHEMAS) {
      await q.query(`CREATE SCHEMA IF NOT EXISTS "${s}"`);
      await q.query(`
        CREATE TABLE "${s}".outbox (
          id bigserial PRIMARY KEY,
          event_id uuid NOT NULL,
          topic text NOT NULL,
          key text NOT NULL,
          headers jsonb NOT NULL,
          payload text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          published_at timestamptz,
          attempts integer NOT NULL DEFAULT 0,
          last_error text
        )`);
      await q.query(`CREATE INDEX outbox_pending_idx ON "${s}".outbox (id) WHERE published_at IS NULL`);
      await q.query(
        `CREATE INDEX outbox_published_at_idx ON "${s}".outbox (published_at) WHERE published_at IS NOT NULL`,
      );
      await q.query(`CREATE INDEX outbox_event_id_idx ON "${s}".outbox (event_id)`);
      await q.query(`
        CREATE FUNCTION "${s}".outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('platforma_outbox_${s}', '');
          RETURN NULL;
        END $$`);
      await q.query(`
        CREATE TRIGGER outbox_notify AFTER INSERT ON "${s}".outbox
        FOR EACH STATEMENT EXECUTE FUNCTION "${s}".outbox_notify()`);
      await q.query(`
        CREATE TABLE "${s}".inbox (
          consumer_group text NOT NULL,
          event_id uuid NOT NULL,
          event_type text NOT NULL,
          topic text NOT NULL,
          partition integer NOT NULL,
          "offset" bigint NOT NULL,
          processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          PRIMARY KEY (consumer_group, event_id)
        )`);
      await q.query(`CREATE INDEX inbox_processed_at_idx ON "${s}".inbox (processed_at)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of [...SCHEMAS].reverse()) {
      await q.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    }
  }
}
