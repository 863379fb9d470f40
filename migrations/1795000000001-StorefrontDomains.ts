import type { MigrationInterface, QueryRunner } from 'typeorm';

/** accounts (tenants, users, API keys), catalog (plans, regions), orders (orders, steps, plan read model, keys). */
export class StorefrontDomains1795000000001 implements MigrationInterface {
  name = 'StorefrontDomains1795000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts.account (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('customer', 'reseller', 'operator')),
        name text NOT NULL,
        email text NOT NULL,
        country char(2) NOT NULL,
        currency char(3) NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX account_email_idx ON accounts.account (lower(email))`);
    await q.query(`
      CREATE TABLE accounts.user (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts.account (id),
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('customer', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE accounts.api_key (
        id text PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts.account (id),
        user_id uuid NOT NULL REFERENCES accounts.user (id),
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE catalog.region (
        code text PRIMARY KEY,
        name text NOT NULL,
        images text[] NOT NULL
      )`);
    await q.query(`
      INSERT INTO catalog.region (code, name, images) VALUES
        ('eu-central-1', 'Frankfurt', ARRAY['ubuntu-24.04', 'debian-13', 'rocky-9']),
        ('eu-west-1', 'Amsterdam', ARRAY['ubuntu-24.04', 'debian-13']),
        ('us-east-1', 'New York', ARRAY['ubuntu-24.04', 'debian-13', 'rocky-9'])`);
    await q.query(`
      CREATE TABLE catalog.plan (
        id uuid PRIMARY KEY,
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        vcpus integer NOT NULL,
        memory_mb integer NOT NULL,
        disk_gb integer NOT NULL,
        regions text[] NOT NULL,
        prices jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('published', 'retired')),
        replacement_plan_id uuid,
        published_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE orders.plan_view (
        plan_id uuid PRIMARY KEY,
        code text NOT NULL,
        regions text[] NOT NULL,
        images text[] NOT NULL DEFAULT '{}',
        prices jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('published', 'retired')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE orders.suspended_tenant (
        tenant_id uuid PRIMARY KEY,
        reason text NOT NULL,
        suspended_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE orders."order" (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        plan_id uuid NOT NULL,
        region text NOT NULL,
        image text NOT NULL,
        hostname text NOT NULL,
        billing_cycle text NOT NULL,
        price_minor bigint NOT NULL,
        setup_fee_minor bigint NOT NULL DEFAULT 0,
        currency char(3) NOT NULL,
        status text NOT NULL,
        service_id uuid,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX order_tenant_idx ON orders."order" (tenant_id, id DESC)`);
    await q.query(`CREATE INDEX order_tenant_status_idx ON orders."order" (tenant_id, status, id DESC)`);
    await q.query(`
      CREATE TABLE orders.order_step (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders."order" (id),
        status text NOT NULL,
        event_type text,
        event_id uuid,
        note text,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX order_step_order_idx ON orders.order_step (order_id, id)`);
    await q.query(`
      CREATE TABLE orders.idempotency_key (
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response_status integer NOT NULL,
        response_body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_key_created_idx ON orders.idempotency_key (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE orders.idempotency_key, orders.order_step, orders."order", orders.plan_view, orders.suspended_tenant`,
    );
    await q.query(`DROP TABLE catalog.plan, catalog.region`);
    await q.query(`DROP TABLE accounts.api_key, accounts.user, accounts.account`);
  }
}
