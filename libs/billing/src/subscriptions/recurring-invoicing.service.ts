import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig, Clock } from '@app/platform';
import type { Invoice, InvoiceKind } from '../entities/invoice.entity.js';
import type { InvoiceLine } from '../entities/invoice-line.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import { InvoiceRepository } from '../invoice.repository.js';
import { type DraftLine, invoiceNumber, taxOn, taxRateFor } from '../invoice.totals.js';
import { SettlementService } from '../settlement.service.js';
import type { Tx } from '@app/messaging';
import { CreditRepository } from './credit.repository.js';
import { BillingViewsRepository } from '../billing-views.repository.js';

export interface RecurringDraft {
  kind: Exclude<InvoiceKind, 'order'>;
  idempotencyKey: string;
  lines: DraftLine[];
  periodStart: Date;
  periodEnd: Date;
  dueAt: Date;
}

export const CREDIT_LINE = 'Credit applied';

/** invoice.generated caps a line's description at 200 characters; a long hostname must not make it invalid. */
const MAX_DESCRIPTION = 200;

/** One unit of something at a price: the only kind of line a recurring invoice charges. */
export function chargeLine(description: string, amountMinor: number): DraftLine {
  return {
    description: description.slice(0, MAX_DESCRIPTION),
    quantity: 1,
    unitPriceMinor: amountMinor,
    amountMinor,
  };
}

/**
 * Issues a subscription's invoices after the first: renewals and upgrades. Tax as on an order's invoice; then the
 * account's credit balance is applied to the taxed amount (a negative "Credit applied" line), so totalMinor is what
 * is left to pay. An invoice the credit covers in full is settled at once by the credit.
 */
@Injectable()
export class RecurringInvoicingService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly credits: CreditRepository,
    private readonly settlement: SettlementService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly views: BillingViewsRepository,
  ) {}

  async taxRate(tx: Tx, accountId: string): Promise<number> {
    const account = await this.views.findAccount(tx.manager, accountId);
    if (!account) {
      // Cannot happen after the order's own invoice; a retry finds the account if it ever does.
      throw new Error(`account ${accountId} is not known to billing yet`);
    }
    return taxRateFor(account.country, this.config.taxRates, this.config.DEFAULT_TAX_RATE_BP);
  }

  /** The caller holds the subscription's lock and made sure no invoice with this idempotency key exists. */
  async issue(tx: Tx, subscription: Subscription, draft: RecurringDraft): Promise<Invoice> {
    const rate = await this.taxRate(tx, subscription.accountId);
    const subtotalMinor = draft.lines.reduce((sum, line) => sum + line.amountMinor, 0);
    const taxMinor = taxOn(subtotalMinor, rate);
    const balance = await this.credits.lockBalance(
      tx.manager,
      subscription.tenantId,
      subscription.accountId,
      subscription.currency,
    );
    const creditAppliedMinor = Math.min(balance.balanceMinor, subtotalMinor + taxMinor);
    const now = this.clock.now();
    const year = now.getUTCFullYear();
    const invoice: Invoice = {
      id: uuidv7(),
      tenantId: subscription.tenantId,
      accountId: subscription.accountId,
      orderId: subscription.orderId,
      kind: draft.kind,
      subscriptionId: subscription.id,
      periodStart: draft.periodStart,
      periodEnd: draft.periodEnd,
      idempotencyKey: draft.idempotencyKey,
      creditAppliedMinor,
      number: invoiceNumber(year, await this.invoices.nextNumber(tx.manager, subscription.tenantId, year)),
      status: 'open',
      currency: subscription.currency,
      subtotalMinor,
      taxRateBp: rate,
      taxMinor,
      totalMinor: subtotalMinor + taxMinor - creditAppliedMinor,
      dueAt: draft.dueAt,
      issuedAt: now,
      paidAt: null,
      voidedAt: null,
      voidReason: null,
      pendingVoidReason: null,
      // A subscription's invoices and payments form one flow per subscription, apart from its order's.
      correlationId: subscription.id,
      updatedAt: now,
    };
    const lines: InvoiceLine[] = draft.lines.map((line, index) => ({
      invoiceId: invoice.id,
      position: index + 1,
      kind: 'charge',
      ...line,
    }));
    if (creditAppliedMinor > 0) {
      lines.push({
        invoiceId: invoice.id,
        position: lines.length + 1,
        kind: 'credit',
        description: CREDIT_LINE,
        quantity: 1,
        unitPriceMinor: -creditAppliedMinor,
        amountMinor: -creditAppliedMinor,
      });
    }
    await this.invoices.insert(tx.manager, invoice, lines);
    if (creditAppliedMinor > 0) {
      await this.credits.move(tx.manager, balance, {
        id: uuidv7(),
        tenantId: subscription.tenantId,
        accountId: subscription.accountId,
        currency: subscription.currency,
        amountMinor: -creditAppliedMinor,
        reason: 'applied_to_invoice',
        invoiceId: invoice.id,
        planChangeId: null,
        createdAt: now,
      });
    }
    // The event lists what is charged; the credit shows as the gap between subtotal plus tax and the total.
    await tx.publish(
      'invoice.generated',
      {
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        accountId: invoice.accountId,
        number: invoice.number,
        lines: draft.lines,
        subtotalMinor,
        taxMinor,
        totalMinor: invoice.totalMinor,
        currency: invoice.currency,
        dueAt: invoice.dueAt.toISOString(),
      },
      { tenantId: invoice.tenantId, subject: invoice.id, correlationId: invoice.correlationId },
    );
    if (invoice.totalMinor === 0) {
      await this.settlement.captured(tx, invoice, {
        paymentId: uuidv7(),
        method: 'account_credit',
        providerReference: `credit:${invoice.id}`,
      });
    }
    return invoice;
  }
}
