import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OutboxService } from '@app/messaging';
import type { Principal } from '@app/platform';
import { BillingErrorCode, BillingException } from './billing.exception.js';
import {
  type ChargeOutcome,
  chargeWithRetry,
  PAYMENT_GATEWAY,
  type PaymentGateway,
} from './gateway/payment-gateway.js';
import { InvoiceRepository } from './invoice.repository.js';
import { InvoicesService } from './invoices.service.js';
import type { InvoiceView } from './invoice.view.js';
import { SettlementService } from './settlement.service.js';
import { Span } from '@app/platform';

@Injectable()
export class PaymentsService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly invoices: InvoiceRepository,
    private readonly invoiceViews: InvoicesService,
    private readonly settlement: SettlementService,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Charges the invoice total to a card token. The invoice row stays locked from the status check through the
   * charge to the commit, so a concurrent second payer waits and then finds it paid (409) instead of charging
   * too. The payment id is made before the transaction: if the database asks for a retry of the transaction,
   * the charge is repeated with the same idempotency key and the provider returns its first answer.
   */
  @Span('billing.pay')
  async pay(principal: Principal, invoiceId: string, token: string): Promise<InvoiceView> {
    const paymentId = uuidv7();
    const outcome = await this.outbox.transaction(async (uow): Promise<ChargeOutcome> => {
      const invoice = await this.invoices.lockForTenant(uow.manager, principal.tenantId, invoiceId);
      if (!invoice) {
        throw new BillingException(BillingErrorCode.InvoiceNotFound);
      }
      if (invoice.status !== 'open') {
        throw new BillingException(BillingErrorCode.InvoiceNotPayable, `the invoice is ${invoice.status}`);
      }
      const result = await chargeWithRetry(this.gateway, {
        token,
        amountMinor: invoice.totalMinor,
        currency: invoice.currency,
        idempotencyKey: paymentId,
      });
      switch (result.status) {
        case 'captured':
          await this.settlement.captured(uow, invoice, {
            paymentId,
            method: 'card',
            providerReference: result.reference,
          });
          break;
        case 'declined':
          await this.settlement.failed(uow, invoice, {
            paymentId,
            method: 'card',
            reason: result.reason,
            retryable: false,
          });
          break;
        case 'unavailable':
          await this.settlement.failed(uow, invoice, {
            paymentId,
            method: 'card',
            reason: 'provider_unavailable',
            retryable: true,
          });
          break;
      }
      return result;
    });
    // The failure is committed (payment row and payment.failed) before the error response is sent.
    if (outcome.status === 'declined') {
      throw new BillingException(BillingErrorCode.PaymentDeclined, outcome.reason);
    }
    if (outcome.status === 'unavailable') {
      throw new BillingException(
        BillingErrorCode.PaymentProviderUnavailable,
        `no answer after ${outcome.attempts} attempts`,
      );
    }
    return this.invoiceViews.get(principal, invoiceId);
  }
}
