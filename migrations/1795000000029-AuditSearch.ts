import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit: operators search the event log by any id a payload names, by a payload field's value and by time range,
 * through indexes instead of a scan of the whole log.
 *
 * - Any id: audit.payload_ids(payload) is every UUID-shaped string anywhere in the payload (lower case), whatever
 *   its key or depth (data.orderId, variables.orderId, ids in arrays), under a GIN index. An expression index, not
 *   a generated column or a side table: adding a stored column rewrites the whole log under an exclusive lock,
 *   and a side table would be one more write on the tap's path (and one more thing to keep in step); an event type
 *   that names a new kind of id tomorrow is searchable without a migration.
 * - Field and value: a GIN index with jsonb_path_ops serves containment (payload @> '{"variables":{"orderId":…}}').
 * - Time range: (topic_prefix, occurred_at, id) reads a range newest first and pages it by keyset; it replaces the
 *   (topic_prefix, occurred_at) index, which it covers.
 *
 * Plain CREATE INDEX, not CONCURRENTLY: migrations run in one transaction (TypeORM's default mode "all", which
 * refuses a migration that opts out with `transaction = false`). The build holds a SHARE lock: reads go on, the
 * log tap's inserts wait (its records wait in Kafka, nothing is lost). On a large log, build them beforehand with
 * the same statements plus CONCURRENTLY (after creating the function); IF NOT EXISTS then makes this a no-op.
 */
export class AuditSearch1795000000029 implements MigrationInterface {
  name = 'AuditSearch1795000000029';

  async up(q: QueryRunner): Promise<void> {
    // IMMUTABLE (jsonb_path_query without _tz, regex and lower on hex digits are): required of an index expression.
    await q.query(`
      CREATE OR REPLACE FUNCTION audit.payload_ids(payload jsonb) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT lower(v #>> '{}') FROM jsonb_path_query(payload, 'strict $.**') AS v
        WHERE jsonb_typeof(v) = 'string'
          AND (v #>> '{}') ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS event_log_payload_ids_idx ON audit.event_log USING gin (audit.payload_ids(payload))`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS event_log_payload_idx ON audit.event_log USING gin (payload jsonb_path_ops)`);
    await q.query(`
      CREATE INDEX IF NOT EXISTS event_log_occurred_id_idx ON audit.event_log (topic_prefix, occurred_at, id)`);
    await q.query(`DROP INDEX IF EXISTS audit.event_log_occurred_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX event_log_occurred_idx ON audit.event_log (topic_prefix, occurred_at)`);
    await q.query(`
      DROP INDEX audit.event_log_occurred_id_idx, audit.event_log_payload_idx, audit.event_log_payload_ids_idx`);
    await q.query(`DROP FUNCTION audit.payload_ids(jsonb)`);
  }
}
