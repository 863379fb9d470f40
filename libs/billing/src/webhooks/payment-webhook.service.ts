import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OutboxService } from '@app/messaging';
import { BillingErrorCode, BillingException } from '../billing.exception.js';
import type { PaymentWebhookDto } from '../dto/payment-webhook.dto.js';
import type { WebhookOutcome } from '../entities/webhook-event.entity.js';
import { InvoiceRepository } from '../invoice.repository.js';
import { PaymentRepository } from '../payment.repository.js';
import { SettlementService } from '../settlement.service.js';

export interface WebhookReceipt {
  received: true;
  outcome: WebhookOutcome;
  paymentId: string | null;
}

/**
 * Bank transfers and other asynchronous payments, reported by the provider. The event id is recorded in the
 * transaction that applies the event, so an event is applied exactly once and a replay is refused with 409.
 */
@Injectable()
export class PaymentWebhookService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
    private readonly settlement: SettlementService,
  ) {}

  receive(event: PaymentWebhookDto): Promise<WebhookReceipt> {
    return this.outbox.transaction(async (uow) => {
      const invoice = await this.invoices.lockForProvider(uow.manager, event.data.invoiceId);
      if (!invoice) {
        throw new BillingException(BillingErrorCode.InvoiceNotFound);
      }
      // Paid or voided already: the event is kept for reconciliation (a second transfer must be returned by
      // hand) but changes nothing.
      const applies = invoice.status === 'open';
      const outcome: WebhookOutcome = !applies
        ? 'ignored'
        : event.type === 'payment.succeeded'
          ? 'paid'
          : 'failed';
      const paymentId = applies ? uuidv7() : null;
      const claimed = await this.payments.claimWebhookEvent(uow.manager, {
        id: event.id,
        type: event.type,
        tenantId: invoice.tenantId,
        invoiceId: invoice.id,
        outcome,
        paymentId,
        receivedAt: new Date(),
      });
      if (!claimed) {
        throw new BillingException(BillingErrorCode.WebhookReplayed, `event ${event.id}`);
      }
      if (paymentId === null) {
        return { received: true, outcome, paymentId };
      }
      if (event.type === 'payment.succeeded') {
        if (event.data.currency !== invoice.currency || event.data.amountMinor !== invoice.totalMinor) {
          // Partial or foreign-currency payments are not supported: refusing rolls the claim back, so the
          // provider keeps the event and can redeliver it once an operator has sorted it out.
          throw new BillingException(
            BillingErrorCode.WebhookAmountMismatch,
            `expected ${invoice.totalMinor} ${invoice.currency}`,
          );
        }
        await this.settlement.captured(uow, invoice, {
          paymentId,
          method: 'bank_transfer',
          providerReference: event.data.reference,
        });
      } else {
        await this.settlement.failed(uow, invoice, {
          paymentId,
          method: 'bank_transfer',
          reason: event.data.reason ?? 'payment_failed',
          retryable: false,
        });
      }
      return { received: true, outcome, paymentId };
    });
  }
}
