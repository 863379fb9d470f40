import { Injectable } from '@nestjs/common';
import { Clock } from '@app/platform';
import type { Invoice } from './entities/invoice.entity.js';
import type { PaymentMethod } from './entities/payment.entity.js';
import { InvoiceRepository } from './invoice.repository.js';
import { PaymentRepository } from './payment.repository.js';
import { SubscriptionPaymentsService } from './subscriptions/subscription-payments.service.js';
import type { Tx } from '@app/messaging';

export interface Capture {
  paymentId: string;
  method: PaymentMethod;
  providerReference: string;
}

export interface Failure {
  paymentId: string;
  method: PaymentMethod;
  reason: string;
  retryable: boolean;
}

/**
 * Writes the outcome of a collection attempt, whoever reported it (card charge or provider webhook), so both
 * settle an invoice the same way. The caller holds the invoice's row lock and checked that it is open.
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
    private readonly subscriptions: SubscriptionPaymentsService,
    private readonly clock: Clock,
  ) {}

  /** Also moves the invoice's subscription on (renewal, upgrade) in the same transaction. */
  async captured(tx: Tx, invoice: Invoice, capture: Capture): Promise<void> {
    const now = this.clock.now();
    await this.payments.insert(tx.manager, {
      id: capture.paymentId,
      tenantId: invoice.tenantId,
      invoiceId: invoice.id,
      method: capture.method,
      status: 'captured',
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      providerReference: capture.providerReference,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.invoices.markPaid(tx.manager, invoice, now);
    const meta = { tenantId: invoice.tenantId, correlationId: invoice.correlationId };
    await tx.publish(
      'payment.received',
      {
        paymentId: capture.paymentId,
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        amountMinor: invoice.totalMinor,
        currency: invoice.currency,
        method: capture.method,
        providerReference: capture.providerReference,
      },
      { ...meta, subject: capture.paymentId },
    );
    await tx.publish(
      'invoice.paid',
      {
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        paymentId: capture.paymentId,
        amountMinor: invoice.totalMinor,
        currency: invoice.currency,
      },
      { ...meta, subject: invoice.id },
    );
    await this.subscriptions.invoicePaid(tx, invoice);
  }

  async failed(tx: Tx, invoice: Invoice, failure: Failure): Promise<void> {
    const now = new Date();
    await this.payments.insert(tx.manager, {
      id: failure.paymentId,
      tenantId: invoice.tenantId,
      invoiceId: invoice.id,
      method: failure.method,
      status: 'failed',
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      providerReference: null,
      failureReason: failure.reason,
      createdAt: now,
      updatedAt: now,
    });
    await tx.publish(
      'payment.failed',
      {
        paymentId: failure.paymentId,
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        amountMinor: invoice.totalMinor,
        currency: invoice.currency,
        reason: failure.reason,
        retryable: failure.retryable,
      },
      { tenantId: invoice.tenantId, correlationId: invoice.correlationId, subject: failure.paymentId },
    );
  }
}
