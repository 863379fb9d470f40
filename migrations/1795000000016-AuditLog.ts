import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit: the event log (every record of every topic, DLQs included, as the broker carried it), what operators did
 * about it (admin_actions) and the order replays that compare the log with what orders stores.
 *
 * topic_prefix: environments (and test suites) sharing a database each read and act on their own records only.
 */
export class AuditLog1795000000016 implements MigrationInterface {
  name = 'AuditLog1795000000016';

  async up(q: QueryRunner): Promise<void> {
    // Identifiers are text, not uuid: a malformed record is logged as it came, whatever its headers hold.
    await q.query(`
      CREATE TABLE audit.event_log (
        id bigserial PRIMARY KEY,
        topic_prefix text NOT NULL,
        event_id text,
        type text NOT NULL,
        version integer,
        source text,
        subject text,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        record_key text,
        tenant_id text,
        correlation_id text,
        causation_id text,
        order_id text,
        occurred_at timestamptz NOT NULL,
        record_timestamp timestamptz,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        headers jsonb NOT NULL,
        payload jsonb,
        raw_value text,
        is_dead_letter boolean NOT NULL DEFAULT false,
        dlq_error text,
        dlq_attempts integer,
        dlq_consumer_group text,
        dlq_original_topic text,
        dlq_original_partition integer,
        dlq_original_offset bigint,
        dlq_first_failure_at timestamptz,
        redrive_count integer NOT NULL DEFAULT 0,
        ingest_error text
      )`);
    // One row per fact: a redelivery of the same record inserts nothing. Its DLQ copy (other topic, one per consumer
    // group that gave up on it) and a redriven copy (other redrive count) are facts of their own.
    await q.query(`
      CREATE UNIQUE INDEX event_log_event_idx
      ON audit.event_log (event_id, topic, redrive_count, coalesce(dlq_consumer_group, ''))
      WHERE event_id IS NOT NULL`);
    await q.query(`
      CREATE UNIQUE INDEX event_log_position_idx ON audit.event_log (topic, partition, "offset")
      WHERE event_id IS NULL`);
    await q.query(`CREATE INDEX event_log_recent_idx ON audit.event_log (topic_prefix, id DESC)`);
    await q.query(`CREATE INDEX event_log_type_idx ON audit.event_log (topic_prefix, type, id DESC)`);
    await q.query(`CREATE INDEX event_log_tenant_idx ON audit.event_log (topic_prefix, tenant_id, id DESC)`);
    await q.query(`CREATE INDEX event_log_correlation_idx ON audit.event_log (topic_prefix, correlation_id)`);
    await q.query(`CREATE INDEX event_log_order_idx ON audit.event_log (topic_prefix, order_id)`);
    await q.query(`CREATE INDEX event_log_event_id_idx ON audit.event_log (topic_prefix, event_id)`);
    await q.query(`CREATE INDEX event_log_occurred_idx ON audit.event_log (topic_prefix, occurred_at)`);
    await q.query(`
      CREATE INDEX event_log_dead_letter_idx ON audit.event_log (topic_prefix, id DESC) WHERE is_dead_letter`);
    // Append-only: the code has no UPDATE or DELETE path, and the database refuses one anyway.
    await q.query(`
      CREATE FUNCTION audit.event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit.event_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON audit.event_log
      FOR EACH ROW EXECUTE FUNCTION audit.event_log_append_only()`);

    await q.query(`
      CREATE TABLE audit.admin_actions (
        id bigserial PRIMARY KEY,
        topic_prefix text NOT NULL,
        action text NOT NULL,
        actor_user_id text NOT NULL,
        actor_tenant_id text NOT NULL,
        actor_role text NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        target_record_id bigint REFERENCES audit.event_log (id),
        target_event_id text,
        target_topic text,
        order_id text,
        replay_id uuid,
        reason text,
        result text NOT NULL CHECK (result IN ('accepted', 'refused')),
        detail text
      )`);
    await q.query(`CREATE INDEX admin_actions_recent_idx ON audit.admin_actions (topic_prefix, id DESC)`);
    await q.query(`CREATE INDEX admin_actions_record_idx ON audit.admin_actions (target_record_id)`);
    // A dead letter is redriven at most once from the log: the record it produces is a new fact with its own row.
    await q.query(`
      CREATE UNIQUE INDEX admin_actions_one_redrive_idx ON audit.admin_actions (target_record_id)
      WHERE action = 'dlq.redrive' AND result = 'accepted'`);

    await q.query(`
      CREATE TABLE audit.replays (
        id uuid PRIMARY KEY,
        topic_prefix text NOT NULL,
        order_id text NOT NULL,
        tenant_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'done')),
        requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        completed_at timestamptz,
        folded jsonb NOT NULL,
        stored jsonb,
        differences jsonb,
        matches boolean
      )`);
    await q.query(
      `CREATE INDEX replays_order_idx ON audit.replays (topic_prefix, order_id, requested_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit.replays, audit.admin_actions, audit.event_log`);
    await q.query(`DROP FUNCTION audit.event_log_append_only()`);
  }
}
