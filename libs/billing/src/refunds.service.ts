import { Inject, Injectable, Logger } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { EventData } from '@app/contracts';
import { PermanentEventError } from '@app/messaging';
import { refundRefusal } from './admin/operator-command.state.js';
import type { Invoice } from './entities/invoice.entity.js';
import type { Payment } from './entities/payment.entity.js';
import { PAYMENT_GATEWAY, type PaymentGateway } from './gateway/payment-gateway.js';
import { InvoiceRepository } from './invoice.repository.js';
import { PaymentRepository } from './payment.repository.js';
import type { Tx } from '@app/messaging';

/** Namespace of the refund ids a void derives from the payment it gives back (one such refund per payment, ever). */
const VOID_REFUND_NAMESPACE = '6f0b3c1e-5d2a-4e8b-9c47-2a1d0e9f7b35';

@Injectable()
export class RefundsService {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Refunds a captured payment in full, once per refundId (payment.refund_requested: old sagas and operators). The
   * refundId is the provider's idempotency key as well, so a crash between the provider's refund and our commit
   * refunds once on retry. A payment already given back (a void refunds the captures it finds) is not an error. A
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
    if (request.requestedBy !== null) {
      // An operator's refund, checked by the back office before it was published, is judged again: a payment
      // refunded meanwhile (e.g. by a void) is dead-lettered with the reason rather than silently skipped.
      const refusal = refundRefusal({
        status: payment.status,
        hasProviderReference: payment.providerReference !== null,
        pending: false,
      });
      if (refusal) {
        throw new PermanentEventError(
          `${refusal.code}: operator ${request.requestedBy}'s refund of payment ${payment.id} refused: ${refusal.reason}`,
        );
      }
    }
    if (payment.status === 'refunded') {
      this.logger.log(
        `payment ${payment.id} was refunded already; refund ${request.refundId} changes nothing`,
      );
      return;
    }
    if (payment.status !== 'captured' || payment.providerReference === null) {
      throw new PermanentEventError(`payment ${payment.id} is ${payment.status}, not refundable`);
    }
    await this.give(tx, invoice, payment, request.refundId, request.reason);
  }

  /**
   * Gives back every payment still captured on an invoice the caller holds locked, before it is voided; returns
   * the amount refunded. Each refund id is derived from its payment, so a retried void refunds nothing twice.
   */
  async refundCaptures(tx: Tx, invoice: Invoice, reason: string): Promise<number> {
    let refundedMinor = 0;
    for (const payment of await this.payments.lockCapturedOn(tx.manager, invoice.tenantId, invoice.id)) {
      refundedMinor += await this.give(
        tx,
        invoice,
        payment,
        uuidv5(payment.id, VOID_REFUND_NAMESPACE),
        reason,
      );
    }
    return refundedMinor;
  }

  private async give(tx: Tx, invoice: Invoice, payment: Payment, refundId: string, reason: string) {
    if (payment.providerReference === null) {
      throw new PermanentEventError(`payment ${payment.id} is captured without a provider reference`);
    }
    const refund = await this.gateway.refund(
      payment.providerReference,
      payment.amountMinor,
      payment.currency,
      refundId,
    );
    const now = new Date();
    await this.payments.insertRefund(tx.manager, {
      id: refundId,
      tenantId: invoice.tenantId,
      paymentId: payment.id,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      reason,
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
        refundId,
        reason,
      },
      { tenantId: invoice.tenantId, subject: payment.id },
    );
    return payment.amountMinor;
  }
}
