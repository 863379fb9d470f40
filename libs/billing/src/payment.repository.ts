import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Payment } from './entities/payment.entity.js';
import { Refund } from './entities/refund.entity.js';
import type { WebhookEvent } from './entities/webhook-event.entity.js';

/** All database I/O of payments, refunds and processed webhook events; scoped by tenant. */
@Injectable()
export class PaymentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, payment: Payment): Promise<void> {
    await manager.insert(Payment, payment);
  }

  forInvoice(tenantId: string, invoiceId: string): Promise<Payment[]> {
    return this.dataSource.manager.find(Payment, {
      where: { tenantId, invoiceId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  lockForTenant(manager: EntityManager, tenantId: string, id: string): Promise<Payment | null> {
    return manager.findOne(Payment, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The payments still captured on an invoice, locked: the caller gives them back before voiding it. */
  lockCapturedOn(manager: EntityManager, tenantId: string, invoiceId: string): Promise<Payment[]> {
    return manager.find(Payment, {
      where: { tenantId, invoiceId, status: 'captured' },
      order: { createdAt: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async markRefunded(manager: EntityManager, payment: Payment, at: Date): Promise<void> {
    payment.status = 'refunded';
    payment.updatedAt = at;
    await manager.update(
      Payment,
      { tenantId: payment.tenantId, id: payment.id },
      { status: 'refunded', updatedAt: at },
    );
  }

  findRefund(manager: EntityManager, tenantId: string, id: string): Promise<Refund | null> {
    return manager.findOneBy(Refund, { tenantId, id });
  }

  async insertRefund(manager: EntityManager, refund: Refund): Promise<void> {
    await manager.insert(Refund, refund);
  }

  /**
   * Records a webhook event id inside the caller's transaction; false if it was already there. A concurrent
   * delivery of the same id waits on the key until the first commits, then sees it.
   */
  async claimWebhookEvent(manager: EntityManager, event: WebhookEvent): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO billing.webhook_event (id, type, tenant_id, invoice_id, outcome, payment_id, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        event.id,
        event.type,
        event.tenantId,
        event.invoiceId,
        event.outcome,
        event.paymentId,
        event.receivedAt,
      ],
    );
    return rows.length > 0;
  }
}
