import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing's back office: every refund and void an operator asked for (who, when, why, and the command event that
 * carries it). The invoice list's column and indexes: 1795000000037-InvoiceTopicPrefix.
 *
 * target_updated_at is the invoice's (void) or payment's (refund) updated_at when the request was made: the request
 * is still pending while its target has not changed since, which is what refuses a second request meanwhile.
 */
export class BillingBackOffice1795000000032 implements MigrationInterface {
  name = 'BillingBackOffice1795000000032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing.operator_request (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('void', 'refund')),
        target_id uuid NOT NULL,
        invoice_id uuid NOT NULL,
        target_updated_at timestamptz NOT NULL,
        requested_by text NOT NULL,
        requested_by_tenant_id uuid NOT NULL,
        note text NOT NULL,
        event_id uuid NOT NULL,
        requested_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX operator_request_target_idx ON billing.operator_request (kind, target_id, target_updated_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE billing.operator_request`);
  }
}
