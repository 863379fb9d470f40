import type { MigrationInterface, QueryRunner } from 'typeorm';

const STEPS = `'allocating', 'creating_disk', 'installing_image', 'configuring_network', 'booting'`;

/**
 * provisioning: the services (VPS) it builds, the durable build jobs that drive them step by step, the sealed
 * initial credentials, and a release record per service (also for services it never built).
 */
export class Provisioning1795000000011 implements MigrationInterface {
  name = 'Provisioning1795000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provisioning.service (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        order_id uuid NOT NULL,
        plan_id uuid NOT NULL,
        region text NOT NULL,
        image text NOT NULL,
        hostname text NOT NULL,
        vcpus integer NOT NULL,
        memory_mb integer NOT NULL,
        disk_gb integer NOT NULL,
        state text NOT NULL CHECK (state IN ('provisioning', 'active', 'failed', 'released')),
        step text CHECK (step IN (${STEPS})),
        node text NOT NULL,
        ipv4 inet,
        ipv6 inet,
        attempt integer NOT NULL CHECK (attempt >= 1),
        failure_step text CHECK (failure_step IN (${STEPS})),
        failure_reason text,
        failure_message text,
        failure_retryable boolean,
        username text,
        credentials_secret_id uuid,
        credentials_retrieved_at timestamptz,
        release_reason text CHECK (release_reason IN ('compensation', 'termination')),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        provisioned_at timestamptz,
        failed_at timestamptz,
        released_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX service_tenant_idx ON provisioning.service (tenant_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX service_tenant_state_idx ON provisioning.service (tenant_id, state, created_at DESC, id DESC)`,
    );

    // topic_prefix: a job publishes to the topics its request came from, so only processes of that environment
    // (same KAFKA_TOPIC_PREFIX) may run it. Production has one prefix; test suites sharing a database have many.
    await q.query(`
      CREATE TABLE provisioning.build_job (
        id uuid PRIMARY KEY,
        service_id uuid NOT NULL REFERENCES provisioning.service (id),
        tenant_id uuid NOT NULL,
        attempt integer NOT NULL,
        topic_prefix text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        step text NOT NULL CHECK (step IN (${STEPS})),
        step_announced boolean NOT NULL DEFAULT false,
        run_after timestamptz NOT NULL DEFAULT clock_timestamp(),
        driver_errors integer NOT NULL DEFAULT 0,
        last_error text,
        correlation_id text NOT NULL,
        causation_id text,
        traceparent text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        UNIQUE (service_id, attempt)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX build_job_one_running_idx ON provisioning.build_job (service_id) WHERE status = 'running'`,
    );
    await q.query(
      `CREATE INDEX build_job_due_idx ON provisioning.build_job (topic_prefix, run_after) WHERE status = 'running'`,
    );
    // Wakes the pollers of every process at commit (NOTIFY is delivered only then); polling is the fallback.
    await q.query(`
      CREATE FUNCTION provisioning.build_job_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('platforma_provisioning_build_job', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER build_job_notify AFTER INSERT ON provisioning.build_job
      FOR EACH STATEMENT EXECUTE FUNCTION provisioning.build_job_notify()`);

    // Only ciphertext: AES-256-GCM with SECRETS_KEY, the row id and service id bound in as associated data.
    await q.query(`
      CREATE TABLE provisioning.secret (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        service_id uuid NOT NULL REFERENCES provisioning.service (id),
        iv bytea NOT NULL CHECK (length(iv) = 12),
        tag bytea NOT NULL CHECK (length(tag) = 16),
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX secret_service_idx ON provisioning.secret (service_id)`);

    await q.query(`
      CREATE TABLE provisioning.release (
        service_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        order_id uuid NOT NULL,
        reason text NOT NULL CHECK (reason IN ('compensation', 'termination')),
        released_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE provisioning.release, provisioning.secret, provisioning.build_job, provisioning.service`,
    );
    await q.query(`DROP FUNCTION provisioning.build_job_notify()`);
  }
}
