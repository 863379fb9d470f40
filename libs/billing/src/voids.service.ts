import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { PermanentEventError } from '@app/messaging';
import { voidRefusal } from './admin/operator-command.state.js';
import type { Invoice } from './entities/invoice.entity.js';
import { InvoiceRepository } from './invoice.repository.js';
import { PaymentRepository } from './payment.repository.js';
import { RefundsService } from './refunds.service.js';
import type { Tx } from '@app/messaging';

/**
 * Voids invoices. Billing is the authority over an invoice: a capture and a void of the same invoice are serialized
 * on its row, so whichever comes second sees the first. A charge finds a voided invoice and is refused (409); a
 * void finds a captured payment and refunds it before voiding. No credit note is issued in this version.
 */
@Injectable()
export class VoidsService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundsService,
  ) {}

  /**
   * Saga compensation: the order will not be fulfilled. Idempotent: a voided invoice stays as it is and nothing
   * is announced twice. Money captured on the invoice is refunded in the same transaction. An operator's void
   * (requestedBy set) is judged on its own terms instead.
   */
  async request(tx: Tx, tenantId: string, request: EventData<'invoice.void_requested'>): Promise<void> {
    const invoice = await this.invoices.lockForTenant(tx.manager, tenantId, request.invoiceId);
    if (!invoice || invoice.orderId !== request.orderId) {
      throw new PermanentEventError(`no invoice ${request.invoiceId} for order ${request.orderId}`);
    }
    if (request.requestedBy !== null) {
      return this.operatorVoid(tx, invoice, request);
    }
    if (invoice.status === 'voided') {
      return;
    }
    const refunded = await this.refunds.refundCaptures(tx, invoice, request.reason);
    await this.void(tx, invoice, request.reason, refunded > 0);
  }

  /**
   * An operator's void (the back office checked the invoice before publishing it): judged again on the invoice as
   * it is now. A void that is no longer allowed — the customer paid meanwhile, or the invoice was voided — is
   * dead-lettered with the reason, never dropped and never turned into a refund the operator did not ask for.
   */
  private async operatorVoid(
    tx: Tx,
    invoice: Invoice,
    request: EventData<'invoice.void_requested'>,
  ): Promise<void> {
    const refusal = voidRefusal({
      status: invoice.status,
      capturedPayments: (await this.payments.lockCapturedOn(tx.manager, invoice.tenantId, invoice.id)).length,
      pending: false,
    });
    if (refusal) {
      throw new PermanentEventError(
        `${refusal.code}: operator ${request.requestedBy}'s void of invoice ${invoice.id} refused: ${refusal.reason}`,
      );
    }
    await this.void(tx, invoice, request.reason);
  }

  /** Voids an invoice the caller holds locked and announces it (invoice.voided). */
  async void(tx: Tx, invoice: Invoice, reason: string, refunded = false): Promise<void> {
    await this.invoices.markVoided(tx.manager, invoice, reason, new Date());
    await tx.publish(
      'invoice.voided',
      { invoiceId: invoice.id, orderId: invoice.orderId, reason, refunded },
      { tenantId: invoice.tenantId, subject: invoice.id },
    );
  }
}
