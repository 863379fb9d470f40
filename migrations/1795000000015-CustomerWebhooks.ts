import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notifications: customer webhooks. Endpoints a tenant registered (signing secret sealed with SECRETS_KEY, never in
 * plain text), one delivery row per event and endpoint (unique, so a redelivered event is delivered once) that
 * doubles as the poller's durable job, and the log of every attempt.
 */
export class CustomerWebhooks1795000000015 implements MigrationInterface {
  name = 'CustomerWebhooks1795000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications.webhook_endpoints (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        url text NOT NULL CHECK (url ~ '^https?://'),
        description text,
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        status text NOT NULL CHECK (status IN ('active', 'disabled', 'deleted')),
        secret_iv bytea NOT NULL,
        secret_tag bytea NOT NULL,
        secret_ciphertext bytea NOT NULL,
        secret_rotated_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        disabled_at timestamptz
      )`);
    // The tenant's list (newest first, by UUIDv7), its endpoint count, and the endpoints an event fans out to.
    await q.query(
      `CREATE INDEX webhook_endpoints_tenant_idx ON notifications.webhook_endpoints (tenant_id, id DESC)
       WHERE status <> 'deleted'`,
    );
    await q.query(`
      CREATE TABLE notifications.webhook_deliveries (
        id uuid PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES notifications.webhook_endpoints (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        topic_prefix text NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        delivered_at timestamptz,
        failed_at timestamptz,
        CONSTRAINT webhook_deliveries_endpoint_event_key UNIQUE (endpoint_id, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_due_idx ON notifications.webhook_deliveries (topic_prefix, next_attempt_at)
       WHERE status = 'pending'`,
    );
    // An endpoint's deliveries, newest first; also finds its pending ones when it is disabled.
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON notifications.webhook_deliveries (endpoint_id, id DESC)`,
    );
    await q.query(`
      CREATE TABLE notifications.webhook_delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES notifications.webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL CHECK (attempt > 0),
        at timestamptz NOT NULL,
        status_code integer,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        error text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications.webhook_delivery_attempts`);
    await q.query(`DROP TABLE notifications.webhook_deliveries`);
    await q.query(`DROP TABLE notifications.webhook_endpoints`);
  }
}
