import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saga timers fire only in processes of the environment (topic prefix) that started the instance, so
 * environments sharing a database never compensate each other's orders.
 */
export class SagaTimerPrefix1795000000014 implements MigrationInterface {
  name = 'SagaTimerPrefix1795000000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE saga.instance ADD COLUMN topic_prefix text NOT NULL DEFAULT ''`);
    await q.query(`DROP INDEX saga.instance_timer_idx`);
    await q.query(
      `CREATE INDEX instance_timer_idx ON saga.instance (topic_prefix, timer_at) WHERE timer_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX saga.instance_timer_idx`);
    await q.query(`ALTER TABLE saga.instance DROP COLUMN topic_prefix`);
    await q.query(`CREATE INDEX instance_timer_idx ON saga.instance (timer_at) WHERE timer_at IS NOT NULL`);
  }
}
