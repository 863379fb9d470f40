import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * orders: an order's history also keeps what a customer watches besides its status (the invoice, payment outcomes,
 * provisioning progress), in the same ordered table the order's event stream is read from.
 */
export class OrderActivity1795000000025 implements MigrationInterface {
  name = 'OrderActivity1795000000025';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE orders.order_step
         ADD COLUMN kind text NOT NULL DEFAULT 'status'
           CONSTRAINT order_step_kind_check CHECK (kind IN ('status', 'invoice', 'payment', 'progress')),
         ADD COLUMN detail jsonb`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM orders.order_step WHERE kind <> 'status'`);
    await q.query(`ALTER TABLE orders.order_step DROP COLUMN detail, DROP COLUMN kind`);
  }
}
