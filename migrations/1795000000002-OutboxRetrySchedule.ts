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
 * A record the broker refuses (e.g. its topic is gone) is retried on a schedule instead of blocking the whole
 * outbox: only later rows of the same topic and key wait behind it.
 */
export class OutboxRetrySchedule1795000000002 implements MigrationInterface {
  name = 'OutboxRetrySchedule1795000000002';

  async up(q: QueryRunner): Promise<void> {
    for (const s of SCHEMAS) {
      await q.query(`ALTER TABLE "${s}".outbox ADD COLUMN next_attempt_at timestamptz`);
      await q.query(
        `CREATE INDEX outbox_deferred_idx ON "${s}".outbox (topic, key, id) WHERE published_at IS NULL`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of SCHEMAS) {
      await q.query(`DROP INDEX "${s}".outbox_deferred_idx`);
      await q.query(`ALTER TABLE "${s}".outbox DROP COLUMN next_attempt_at`);
    }
  }
}
