import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { OutboxService } from '@app/messaging';
import type { Principal } from '@app/platform';
import { BillingErrorCode, BillingException } from '../billing.exception.js';
import { BillingAdminRepository, type OperatorRequestKind } from './billing-admin.repository.js';
import type { OperatorRequestAccepted } from './billing-admin.view.js';
import {
  type RefundRefusal,
  refundRefusal,
  type VoidRefusal,
  voidRefusal,
} from './operator-command.state.js';

/** The command's reason when an operator asks; the operator's own words travel as its note. */
const OPERATOR = 'operator';

/** Each refusal is a 409 problem whose code is the refusal's. */
const REFUSAL_PROBLEM: Record<VoidRefusal | RefundRefusal, BillingErrorCode> = {
  'invoice-already-voided': BillingErrorCode.InvoiceAlreadyVoided,
  'invoice-paid': BillingErrorCode.InvoicePaid,
  'void-already-requested': BillingErrorCode.VoidAlreadyRequested,
  'payment-already-refunded': BillingErrorCode.PaymentAlreadyRefunded,
  'payment-not-refundable': BillingErrorCode.PaymentNotRefundable,
  'refund-already-requested': BillingErrorCode.RefundAlreadyRequested,
};

/**
 * An operator's void or refund. Under the invoice's row lock (the lock paying and voiding take; for a refund, then
 * the payment's) the state is checked, the request is recorded with who and why, and the command event billing's
 * own consumer acts on is published through the outbox, in one transaction. Billing changes nothing else here:
 * the consumer decides once more on the state it then finds, and dead-letters what it may no longer do.
 */
@Injectable()
export class OperatorCommandsService {
  private readonly logger = new Logger(OperatorCommandsService.name);

  constructor(
    private readonly outbox: OutboxService,
    private readonly repository: BillingAdminRepository,
  ) {}

  async voidInvoice(principal: Principal, invoiceId: string, note: string): Promise<OperatorRequestAccepted> {
    const accepted = await this.outbox.transaction(async (uow) => {
      const invoice = await this.repository.lockInvoice(uow.manager, invoiceId);
      if (!invoice) {
        throw new BillingException(BillingErrorCode.InvoiceNotFound);
      }
      const refusal = voidRefusal({
        status: invoice.status,
        capturedPayments: await this.repository.countCaptured(uow.manager, invoice.tenantId, invoice.id),
        pending: await this.repository.pending(uow.manager, 'void', invoice.id),
      });
      if (refusal) {
        throw new BillingException(REFUSAL_PROBLEM[refusal.code], refusal.reason);
      }
      const event = await uow.publish(
        'invoice.void_requested',
        {
          invoiceId: invoice.id,
          orderId: invoice.orderId,
          reason: OPERATOR,
          requestedBy: principal.userId,
          note,
        },
        { tenantId: invoice.tenantId, subject: invoice.id, correlationId: invoice.correlationId },
      );
      return this.record(uow.manager, principal, event, {
        id: uuidv7(),
        kind: 'void',
        targetId: invoice.id,
        invoice,
        note,
      });
    });
    this.logger.warn(`operator ${principal.userId} asked to void invoice ${invoiceId}: ${note}`);
    return accepted;
  }

  async refundPayment(
    principal: Principal,
    paymentId: string,
    note: string,
  ): Promise<OperatorRequestAccepted> {
    const accepted = await this.outbox.transaction(async (uow) => {
      // Invoice first, then payment: the lock order of paying, voiding and refunding.
      const found = await this.repository.findPayment(uow.manager, paymentId);
      const invoice = found && (await this.repository.lockInvoice(uow.manager, found.invoiceId));
      const payment =
        invoice && (await this.repository.lockPayment(uow.manager, invoice.tenantId, paymentId));
      if (!invoice || !payment) {
        throw new BillingException(BillingErrorCode.PaymentNotFound);
      }
      const refusal = refundRefusal({
        status: payment.status,
        hasProviderReference: payment.providerReference !== null,
        pending: await this.repository.pending(uow.manager, 'refund', payment.id),
      });
      if (refusal) {
        throw new BillingException(REFUSAL_PROBLEM[refusal.code], refusal.reason);
      }
      // The request's id is the refund's: billing's gateway call and refund row are keyed by it.
      const requestId = uuidv7();
      const event = await uow.publish(
        'payment.refund_requested',
        {
          refundId: requestId,
          paymentId: payment.id,
          invoiceId: invoice.id,
          orderId: invoice.orderId,
          reason: OPERATOR,
          requestedBy: principal.userId,
          note,
        },
        { tenantId: invoice.tenantId, subject: payment.id, correlationId: invoice.correlationId },
      );
      return this.record(uow.manager, principal, event, {
        id: requestId,
        kind: 'refund',
        targetId: payment.id,
        invoice,
        note,
      });
    });
    this.logger.warn(`operator ${principal.userId} asked to refund payment ${paymentId}: ${note}`);
    return accepted;
  }

  /** Records who asked for what and why, beside the command event just published; the request's answer. */
  private async record(
    manager: EntityManager,
    principal: Principal,
    event: { id: string; time: string },
    request: {
      id: string;
      kind: OperatorRequestKind;
      targetId: string;
      invoice: { id: string; tenantId: string };
      note: string;
    },
  ): Promise<OperatorRequestAccepted> {
    await this.repository.record(manager, {
      id: request.id,
      tenantId: request.invoice.tenantId,
      kind: request.kind,
      targetId: request.targetId,
      invoiceId: request.invoice.id,
      requestedBy: principal.userId,
      requestedByTenantId: principal.tenantId,
      note: request.note,
      eventId: event.id,
      requestedAt: new Date(event.time),
    });
    return { requestId: request.id, eventId: event.id };
  }
}
