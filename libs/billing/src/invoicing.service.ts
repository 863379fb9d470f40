import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import type { PublishMeta } from '@app/messaging';
import { AppConfig, Span } from '@app/platform';
import type { AccountView } from './entities/account-view.entity.js';
import type { Invoice } from './entities/invoice.entity.js';
import { InvoiceRepository } from './invoice.repository.js';
import { invoiceNumber, invoiceTotals, taxRateFor } from './invoice.totals.js';
import type { Tx } from '@app/messaging';
import { BillingViewsRepository } from './billing-views.repository.js';

/** The order's flow an invoice.generated belongs to, when it is published later than its order.created. */
type Causal = Pick<PublishMeta, 'correlationId' | 'causationId'>;

/** Issues the first invoice of every order, once its account (and so its tax country) is known. */
@Injectable()
export class InvoicingService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly config: AppConfig,
    private readonly views: BillingViewsRepository,
  ) {}

  /** Learns the account, then invoices the orders that arrived before it. */
  async accountCreated(
    tx: Tx,
    tenantId: string,
    data: EventData<'account.created'>,
    at: Date,
  ): Promise<void> {
    const account: AccountView = {
      accountId: data.accountId,
      email: data.email,
      country: data.country,
      currency: data.currency,
      updatedAt: at,
    };
    await this.views.lockAccount(tx.manager, account.accountId);
    await this.views.upsertAccount(tx.manager, account);
    for (const parked of await this.views.unpark(tx.manager, tenantId, account.accountId)) {
      await this.issue(tx, tenantId, parked.payload, account, {
        correlationId: parked.correlationId,
        causationId: parked.causationId,
      });
    }
  }

  /**
   * One invoice per order: a redelivered order.created finds the first one. An order whose account.created has
   * not been consumed yet (another topic) is parked rather than retried in place, because a retrying handler
   * stalls its consumer's fetches and the account would only arrive after the order was dead-lettered.
   */
  @Span('billing.invoice_order')
  async orderCreated(
    tx: Tx,
    tenantId: string,
    order: EventData<'order.created'>,
    event: { id: string; correlationId: string },
  ): Promise<void> {
    await this.views.lockAccount(tx.manager, order.accountId);
    const account = await this.views.findAccount(tx.manager, order.accountId);
    if (account) {
      await this.issue(tx, tenantId, order, account, { correlationId: event.correlationId });
      return;
    }
    await this.views.park(tx.manager, {
      orderId: order.orderId,
      tenantId,
      accountId: order.accountId,
      payload: order,
      correlationId: event.correlationId,
      causationId: event.id,
      parkedAt: new Date(),
    });
  }

  private async issue(
    tx: Tx,
    tenantId: string,
    order: EventData<'order.created'>,
    account: AccountView,
    causal: Causal,
  ): Promise<void> {
    if (await this.invoices.findByOrder(tx.manager, tenantId, order.orderId)) {
      return;
    }
    const rate = taxRateFor(account.country, this.config.taxRates, this.config.DEFAULT_TAX_RATE_BP);
    const totals = invoiceTotals(order, rate);
    const now = new Date();
    const year = now.getUTCFullYear();
    const invoice: Invoice = {
      id: uuidv7(),
      tenantId,
      accountId: order.accountId,
      orderId: order.orderId,
      kind: 'order',
      subscriptionId: null,
      periodStart: null,
      periodEnd: null,
      idempotencyKey: null,
      creditAppliedMinor: 0,
      number: invoiceNumber(year, await this.invoices.nextNumber(tx.manager, tenantId, year)),
      status: 'open',
      currency: order.currency,
      subtotalMinor: totals.subtotalMinor,
      taxRateBp: totals.taxRateBp,
      taxMinor: totals.taxMinor,
      totalMinor: totals.totalMinor,
      dueAt: new Date(now.getTime() + this.config.PAYMENT_WINDOW_SECONDS * 1000),
      issuedAt: now,
      paidAt: null,
      voidedAt: null,
      voidReason: null,
      pendingVoidReason: null,
      correlationId: causal.correlationId ?? order.orderId,
      updatedAt: now,
    };
    await this.invoices.insert(
      tx.manager,
      invoice,
      totals.lines.map((line, index) => ({ invoiceId: invoice.id, position: index + 1, ...line })),
    );
    await tx.publish(
      'invoice.generated',
      {
        invoiceId: invoice.id,
        orderId: invoice.orderId,
        accountId: invoice.accountId,
        number: invoice.number,
        lines: totals.lines,
        subtotalMinor: invoice.subtotalMinor,
        taxMinor: invoice.taxMinor,
        totalMinor: invoice.totalMinor,
        currency: invoice.currency,
        dueAt: invoice.dueAt.toISOString(),
      },
      { tenantId, subject: invoice.id, ...causal },
    );
  }
}
