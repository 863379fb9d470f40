import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * billing: the account read model, orders waiting for their account, invoices with their lines, a gapless
 * per-tenant invoice counter, payments, refunds and the payment provider's processed webhook events.
 */
export class Billing1795000000010 implements MigrationInterface {
  name = 'Billing1795000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing.account_view (
        account_id uuid PRIMARY KEY,
        email text NOT NULL,
        country char(2) NOT NULL,
        currency char(3) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // An order that came before its account's account.created waits here; the account's arrival invoices it.
    await q.query(`
      CREATE TABLE billing.parked_order (
        order_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        account_id uuid NOT NULL,
        payload jsonb NOT NULL,
        correlation_id text NOT NULL,
        causation_id uuid NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX parked_order_account_idx ON billing.parked_order (tenant_id, account_id)`);
    // One row per tenant and year, locked by the invoice's transaction: a rolled-back invoice burns no number.
    await q.query(`
      CREATE TABLE billing.invoice_counter (
        tenant_id uuid NOT NULL,
        year integer NOT NULL,
        last_number integer NOT NULL CHECK (last_number >= 1),
        PRIMARY KEY (tenant_id, year)
      )`);
    await q.query(`
      CREATE TABLE billing.invoice (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        account_id uuid NOT NULL,
        order_id uuid NOT NULL UNIQUE,
        number text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'paid', 'voided')),
        currency char(3) NOT NULL,
        subtotal_minor bigint NOT NULL CHECK (subtotal_minor >= 0),
        tax_rate_bp integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
        tax_minor bigint NOT NULL CHECK (tax_minor >= 0),
        total_minor bigint NOT NULL CHECK (total_minor = subtotal_minor + tax_minor),
        due_at timestamptz NOT NULL,
        issued_at timestamptz NOT NULL,
        paid_at timestamptz,
        voided_at timestamptz,
        void_reason text,
        pending_void_reason text,
        correlation_id text NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (tenant_id, number)
      )`);
    await q.query(`CREATE INDEX invoice_tenant_idx ON billing.invoice (tenant_id, id DESC)`);
    await q.query(`CREATE INDEX invoice_tenant_status_idx ON billing.invoice (tenant_id, status, id DESC)`);
    await q.query(`
      CREATE TABLE billing.invoice_line (
        invoice_id uuid NOT NULL REFERENCES billing.invoice (id),
        position integer NOT NULL CHECK (position >= 1),
        description text NOT NULL,
        quantity integer NOT NULL CHECK (quantity >= 1),
        unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
        amount_minor bigint NOT NULL CHECK (amount_minor = quantity * unit_price_minor),
        PRIMARY KEY (invoice_id, position)
      )`);
    await q.query(`
      CREATE TABLE billing.payment (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        invoice_id uuid NOT NULL REFERENCES billing.invoice (id),
        method text NOT NULL CHECK (method IN ('card', 'bank_transfer')),
        status text NOT NULL CHECK (status IN ('captured', 'failed', 'refunded')),
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        currency char(3) NOT NULL,
        provider_reference text,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX payment_invoice_idx ON billing.payment (invoice_id, created_at)`);
    // The invoice row lock already serialises payers; this makes a second capture impossible, not just unlikely.
    await q.query(
      `CREATE UNIQUE INDEX payment_one_capture_idx ON billing.payment (invoice_id) WHERE status = 'captured'`,
    );
    await q.query(`
      CREATE TABLE billing.refund (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        payment_id uuid NOT NULL REFERENCES billing.payment (id),
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        currency char(3) NOT NULL,
        reason text NOT NULL,
        provider_reference text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX refund_payment_idx ON billing.refund (payment_id)`);
    await q.query(`
      CREATE TABLE billing.webhook_event (
        id text PRIMARY KEY,
        type text NOT NULL,
        tenant_id uuid NOT NULL,
        invoice_id uuid NOT NULL REFERENCES billing.invoice (id),
        outcome text NOT NULL CHECK (outcome IN ('paid', 'failed', 'ignored')),
        payment_id uuid REFERENCES billing.payment (id) DEFERRABLE INITIALLY DEFERRED,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE billing.webhook_event, billing.refund, billing.payment, billing.invoice_line, billing.invoice,
       billing.invoice_counter, billing.parked_order, billing.account_view`,
    );
  }
}
