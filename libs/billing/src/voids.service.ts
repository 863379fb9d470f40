import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { PermanentEventError } from '@app/messaging';
import type { Invoice } from './entities/invoice.entity.js';
import { InvoiceRepository } from './invoice.repository.js';
import { PaymentRepository } from './payment.repository.js';
import type { Tx } from './unit-of-work.js';

/**
 * Saga compensation: voids an invoice whose order will not be fulfilled. A paid invoice is voided once its payment
 * has been refunded; no credit note is issued in this version.
 */
@Injectable()
export class VoidsService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
  ) {}

  /**
   * Idempotent: a voided invoice stays as it is. While a payment is still captured (its refund request travels on
   * another topic and may come later) the void is recorded as pending and completed by the refund.
   */
  async request(tx: Tx, tenantId: string, request: EventData<'invoice.void_requested'>): Promise<void> {
    const invoice = await this.invoices.lockForTenant(tx.manager, tenantId, request.invoiceId);
    if (!invoice || invoice.orderId !== request.orderId) {
      throw new PermanentEventError(`no invoice ${request.invoiceId} for order ${request.orderId}`);
    }
    if (invoice.status === 'voided') {
      return;
    }
    if (await this.payments.hasCapture(tx.manager, tenantId, invoice.id)) {
      await this.invoices.markVoidPending(tx.manager, invoice, request.reason, new Date());
      return;
    }
    await this.void(tx, invoice, request.reason);
  }

  /** Called with the invoice locked, after one of its payments was refunded. */
  async afterRefund(tx: Tx, invoice: Invoice): Promise<void> {
    const reason = invoice.pendingVoidReason;
    if (
      reason !== null &&
      invoice.status !== 'voided' &&
      !(await this.payments.hasCapture(tx.manager, invoice.tenantId, invoice.id))
    ) {
      await this.void(tx, invoice, reason);
    }
  }

  /** Voids an open invoice the caller holds locked and announces it (invoice.voided). */
  async void(tx: Tx, invoice: Invoice, reason: string): Promise<void> {
    await this.invoices.markVoided(tx.manager, invoice, reason, new Date());
    await tx.publish(
      'invoice.voided',
      { invoiceId: invoice.id, orderId: invoice.orderId, reason },
      { tenantId: invoice.tenantId, subject: invoice.id },
    );
  }
}
