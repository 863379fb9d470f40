import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recurring billing. billing: a subscription per service with its paid period, durable timers (renewal, reminders,
 * suspension, termination) unique per subscription, period and kind, plan changes, the plan read model for prices
 * and resources, and an account credit balance with its ledger; invoices learn their kind, subscription, period,
 * idempotency key and the credit applied to them. provisioning: services can be suspended, and a record of the last
 * billing command applied per service, so commands that overtake each other end in the latest one's state.
 */
export class RecurringBilling1795000000018 implements MigrationInterface {
  name = 'RecurringBilling1795000000018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing.plan_view (
        plan_id uuid PRIMARY KEY,
        name text NOT NULL,
        vcpus integer NOT NULL CHECK (vcpus >= 1),
        memory_mb integer NOT NULL CHECK (memory_mb >= 1),
        disk_gb integer NOT NULL CHECK (disk_gb >= 1),
        prices jsonb NOT NULL,
        retired boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // Created pending by order.created (it carries plan, cycle and price), activated by order.completed (the
    // service id). Periods are whole billing cycles from anchor_at; paid_periods of them are paid.
    await q.query(`
      CREATE TABLE billing.subscription (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        account_id uuid NOT NULL,
        order_id uuid NOT NULL UNIQUE,
        service_id uuid UNIQUE,
        plan_id uuid NOT NULL,
        hostname text NOT NULL,
        billing_cycle text NOT NULL CHECK (billing_cycle IN ('monthly', 'quarterly', 'yearly')),
        price_minor bigint NOT NULL CHECK (price_minor >= 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'terminated')),
        anchor_at timestamptz,
        paid_periods integer NOT NULL DEFAULT 0 CHECK (paid_periods >= 0),
        current_period_start timestamptz,
        current_period_end timestamptz,
        command_seq integer NOT NULL DEFAULT 0,
        topic_prefix text NOT NULL,
        activated_at timestamptz,
        suspended_at timestamptz,
        terminated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (status = 'pending' OR (service_id IS NOT NULL AND anchor_at IS NOT NULL
          AND current_period_start IS NOT NULL AND current_period_end > current_period_start))
      )`);
    await q.query(`CREATE INDEX subscription_tenant_idx ON billing.subscription (tenant_id, id DESC)`);
    // One row per (subscription, period, kind, step): a timer scheduled twice is one timer, and a fired or cancelled
    // one is never scheduled again. Only processes of the topic prefix that scheduled it fire it.
    await q.query(`
      CREATE TABLE billing.subscription_timer (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES billing.subscription (id),
        tenant_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('renewal', 'reminder', 'suspension', 'termination')),
        period_start timestamptz NOT NULL,
        step integer NOT NULL DEFAULT 0 CHECK (step >= 0),
        due_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'fired', 'cancelled')),
        outcome text,
        topic_prefix text NOT NULL,
        fired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (subscription_id, period_start, kind, step)
      )`);
    await q.query(
      `CREATE INDEX subscription_timer_due_idx ON billing.subscription_timer (topic_prefix, due_at)
       WHERE status = 'pending'`,
    );

    await q.query(`
      ALTER TABLE billing.invoice
        ADD COLUMN kind text NOT NULL DEFAULT 'order' CHECK (kind IN ('order', 'renewal', 'plan_change')),
        ADD COLUMN subscription_id uuid REFERENCES billing.subscription (id),
        ADD COLUMN period_start timestamptz,
        ADD COLUMN period_end timestamptz,
        ADD COLUMN idempotency_key text UNIQUE,
        ADD COLUMN credit_applied_minor bigint NOT NULL DEFAULT 0 CHECK (credit_applied_minor >= 0),
        ADD CONSTRAINT invoice_kind_subscription_check CHECK ((kind = 'order') = (subscription_id IS NULL)),
        ADD CONSTRAINT invoice_recurring_key_check CHECK (kind = 'order' OR idempotency_key IS NOT NULL)`);
    // An order still has exactly one invoice of its own; its renewals and plan changes carry its id too.
    await q.query(`ALTER TABLE billing.invoice DROP CONSTRAINT invoice_order_id_key`);
    await q.query(
      `CREATE UNIQUE INDEX invoice_order_once_idx ON billing.invoice (order_id) WHERE kind = 'order'`,
    );
    await q.query(
      `CREATE INDEX invoice_subscription_idx ON billing.invoice (subscription_id, period_start)
       WHERE subscription_id IS NOT NULL`,
    );
    // Account credit is applied after tax, like a payment on account: the total is what is left to pay.
    await q.query(`ALTER TABLE billing.invoice DROP CONSTRAINT invoice_check`);
    await q.query(
      `ALTER TABLE billing.invoice ADD CONSTRAINT invoice_total_check
       CHECK (total_minor = subtotal_minor + tax_minor - credit_applied_minor AND total_minor >= 0)`,
    );
    await q.query(`
      ALTER TABLE billing.invoice_line
        ADD COLUMN kind text NOT NULL DEFAULT 'charge' CHECK (kind IN ('charge', 'credit')),
        DROP CONSTRAINT invoice_line_unit_price_minor_check,
        ADD CONSTRAINT invoice_line_sign_check
          CHECK ((kind = 'charge' AND unit_price_minor >= 0) OR (kind = 'credit' AND unit_price_minor < 0))`);
    // An invoice the account credit covers in full is settled by it (a capture of 0 with method account_credit).
    await q.query(`
      ALTER TABLE billing.payment
        DROP CONSTRAINT payment_method_check,
        ADD CONSTRAINT payment_method_check CHECK (method IN ('card', 'bank_transfer', 'account_credit'))`);

    await q.query(`
      CREATE TABLE billing.plan_change (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        subscription_id uuid NOT NULL REFERENCES billing.subscription (id),
        from_plan_id uuid NOT NULL,
        to_plan_id uuid NOT NULL,
        from_price_minor bigint NOT NULL CHECK (from_price_minor >= 0),
        to_price_minor bigint NOT NULL CHECK (to_price_minor >= 0),
        direction text NOT NULL CHECK (direction IN ('upgrade', 'downgrade', 'lateral')),
        status text NOT NULL CHECK (status IN ('pending_payment', 'applied', 'lapsed')),
        prorated_minor bigint NOT NULL CHECK (prorated_minor >= 0),
        credit_minor bigint NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
        invoice_id uuid REFERENCES billing.invoice (id),
        effective_from timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        requested_at timestamptz NOT NULL,
        applied_at timestamptz,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX plan_change_one_pending_idx ON billing.plan_change (subscription_id)
       WHERE status = 'pending_payment'`,
    );
    await q.query(`CREATE INDEX plan_change_invoice_idx ON billing.plan_change (invoice_id)`);
    // The balance row is locked by whoever changes it; the ledger says why it moved.
    await q.query(`
      CREATE TABLE billing.account_credit (
        account_id uuid NOT NULL,
        currency char(3) NOT NULL,
        tenant_id uuid NOT NULL,
        balance_minor bigint NOT NULL CHECK (balance_minor >= 0),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (account_id, currency)
      )`);
    await q.query(`
      CREATE TABLE billing.credit_entry (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        account_id uuid NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
        reason text NOT NULL CHECK (reason IN ('downgrade', 'applied_to_invoice')),
        invoice_id uuid REFERENCES billing.invoice (id),
        plan_change_id uuid REFERENCES billing.plan_change (id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(
      `CREATE INDEX credit_entry_account_idx ON billing.credit_entry (tenant_id, account_id, id DESC)`,
    );

    await q.query(`ALTER TABLE provisioning.service DROP CONSTRAINT service_state_check`);
    await q.query(
      `ALTER TABLE provisioning.service ADD CONSTRAINT service_state_check
       CHECK (state IN ('provisioning', 'active', 'suspended', 'failed', 'released'))`,
    );
    await q.query(`
      CREATE TABLE provisioning.service_command (
        service_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        state_seq integer NOT NULL DEFAULT 0,
        size_seq integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  /** Reverting removes what only recurring billing knew: renewal and plan-change invoices go with it. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provisioning.service_command`);
    await q.query(`UPDATE provisioning.service SET state = 'active' WHERE state = 'suspended'`);
    await q.query(`ALTER TABLE provisioning.service DROP CONSTRAINT service_state_check`);
    await q.query(
      `ALTER TABLE provisioning.service ADD CONSTRAINT service_state_check
       CHECK (state IN ('provisioning', 'active', 'failed', 'released'))`,
    );

    await q.query(`DROP TABLE billing.credit_entry, billing.account_credit, billing.plan_change`);
    // webhook_event's deferred key to payment would otherwise leave trigger events that block the ALTERs below.
    await q.query(`SET CONSTRAINTS ALL IMMEDIATE`);
    const recurring = `SELECT id FROM billing.invoice WHERE kind <> 'order'`;
    const payments = `SELECT id FROM billing.payment WHERE invoice_id IN (${recurring})`;
    await q.query(`DELETE FROM billing.webhook_event WHERE invoice_id IN (${recurring})`);
    await q.query(`DELETE FROM billing.refund WHERE payment_id IN (${payments})`);
    await q.query(`DELETE FROM billing.payment WHERE invoice_id IN (${recurring})`);
    await q.query(`DELETE FROM billing.invoice_line WHERE invoice_id IN (${recurring})`);
    await q.query(`DELETE FROM billing.invoice WHERE kind <> 'order'`);
    await q.query(`DELETE FROM billing.payment WHERE method = 'account_credit'`);
    await q.query(`
      ALTER TABLE billing.payment
        DROP CONSTRAINT payment_method_check,
        ADD CONSTRAINT payment_method_check CHECK (method IN ('card', 'bank_transfer'))`);
    await q.query(`
      ALTER TABLE billing.invoice_line
        DROP CONSTRAINT invoice_line_sign_check,
        DROP COLUMN kind,
        ADD CONSTRAINT invoice_line_unit_price_minor_check CHECK (unit_price_minor >= 0)`);
    await q.query(`ALTER TABLE billing.invoice DROP CONSTRAINT invoice_total_check`);
    await q.query(`DROP INDEX billing.invoice_subscription_idx`);
    await q.query(`DROP INDEX billing.invoice_order_once_idx`);
    await q.query(`
      ALTER TABLE billing.invoice
        DROP CONSTRAINT invoice_kind_subscription_check,
        DROP CONSTRAINT invoice_recurring_key_check,
        DROP COLUMN kind,
        DROP COLUMN subscription_id,
        DROP COLUMN period_start,
        DROP COLUMN period_end,
        DROP COLUMN idempotency_key,
        DROP COLUMN credit_applied_minor,
        ADD CONSTRAINT invoice_order_id_key UNIQUE (order_id),
        ADD CONSTRAINT invoice_check CHECK (total_minor = subtotal_minor + tax_minor)`);
    await q.query(`DROP TABLE billing.subscription_timer, billing.subscription, billing.plan_view`);
  }
}
