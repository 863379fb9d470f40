import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notifications: one log row per requested notification (keyed by the requester's notificationId, so a redelivery
 * inserts nothing), which doubles as the durable delivery job the poller sends.
 */
export class Notifications1795000000013 implements MigrationInterface {
  name = 'Notifications1795000000013';

  async up(q: QueryRunner): Promise<void> {
    // topic_prefix: the delivery publishes to the topics its request came from, so only processes of that
    // environment (same KAFKA_TOPIC_PREFIX) may send it. Production has one prefix; test suites sharing a database
    // have many.
    await q.query(`
      CREATE TABLE notifications.notification (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        account_id uuid NOT NULL,
        topic_prefix text NOT NULL,
        template text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'sms')),
        recipient text NOT NULL,
        locale text NOT NULL,
        variables jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_error text,
        failure_reason text,
        provider_message_id text,
        correlation_id text NOT NULL,
        causation_id text,
        traceparent text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        sent_at timestamptz,
        failed_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX notification_due_idx ON notifications.notification (topic_prefix, next_attempt_at)
       WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX notification_tenant_idx ON notifications.notification (tenant_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications.notification`);
  }
}
