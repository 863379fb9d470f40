import { Inject, Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { PermanentEventError } from '@app/messaging';
import { PAYMENT_GATEWAY, type PaymentGateway } from './gateway/payment-gateway.js';
import { InvoiceRepository } from './invoice.repository.js';
import { PaymentRepository } from './payment.repository.js';
import type { Tx } from './unit-of-work.js';
import { VoidsService } from './voids.service.js';

@Injectable()
export class RefundsService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
    private readonly voids: VoidsService,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Saga compensation: refunds a captured payment in full, once per refundId. The refundId is the provider's
   * idempotency key as well, so a crash between the provider's refund and our commit refunds once on retry. A
   * provider outage throws an ordinary error: the consumer retries with backoff.
   */
  async refund(tx: Tx, tenantId: string, request: EventData<'payment.refund_requested'>): Promise<void> {
    // Invoice first, then payment: the same lock order as paying and voiding.
    const invoice = await this.invoices.lockForTenant(tx.manager, tenantId, request.invoiceId);
    const payment = await this.payments.lockForTenant(tx.manager, tenantId, request.paymentId);
    if (!invoice || !payment || payment.invoiceId !== invoice.id || invoice.orderId !== request.orderId) {
      throw new PermanentEventError(
        `no payment ${request.paymentId} on invoice ${request.invoiceId} of order ${request.orderId}`,
      );
    }
    if (await this.payments.findRefund(tx.manager, tenantId, request.refundId)) {
      return;
    }
    if (payment.status !== 'captured' || payment.providerReference === null) {
      // Failed, or refunded in full under another refundId: there is nothing left to give back.
      throw new PermanentEventError(`payment ${payment.id} is ${payment.status}, not refundable`);
    }
    const refund = await this.gateway.refund(
      payment.providerReference,
      payment.amountMinor,
      payment.currency,
      request.refundId,
    );
    const now = new Date();
    await this.payments.insertRefund(tx.manager, {
      id: request.refundId,
      tenantId,
      paymentId: payment.id,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      reason: request.reason,
      providerReference: refund.reference,
      createdAt: now,
    });
    await this.payments.markRefunded(tx.manager, payment, now);
    await tx.publish(
      'payment.refunded',
      {
        paymentId: payment.id,
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        refundId: request.refundId,
        reason: request.reason,
      },
      { tenantId, subject: payment.id },
    );
    await this.voids.afterRefund(tx, invoice);
  }
}
