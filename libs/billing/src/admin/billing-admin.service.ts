import { Injectable } from '@nestjs/common';
import { BillingErrorCode, BillingException } from '../billing.exception.js';
import type { Invoice } from '../entities/invoice.entity.js';
import type { Payment } from '../entities/payment.entity.js';
import { BillingAdminRepository } from './billing-admin.repository.js';
import type { AdminInvoicePage, AdminInvoiceView } from './billing-admin.view.js';
import { ADMIN_PAGE_DEFAULT, type ListAdminInvoicesQuery } from '../dto/list-admin-invoices.query.js';

/** What the back office reads: invoices across tenants, each with its payments and the operators' requests. */
@Injectable()
export class BillingAdminService {
  constructor(private readonly repository: BillingAdminRepository) {}

  async list(query: ListAdminInvoicesQuery): Promise<AdminInvoicePage> {
    const limit = query.limit ?? ADMIN_PAGE_DEFAULT;
    const rows = await this.repository.list(limit + 1, {
      status: query.status,
      tenantId: query.tenantId,
      orderId: query.orderId,
      before: query.cursor,
    });
    const page = rows.slice(0, limit);
    return {
      items: await this.views(page),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async get(id: string): Promise<AdminInvoiceView> {
    const invoice = await this.repository.find(id);
    if (!invoice) {
      throw new BillingException(BillingErrorCode.InvoiceNotFound);
    }
    const [view] = await this.views([invoice]);
    if (!view) {
      throw new BillingException(BillingErrorCode.InvoiceNotFound);
    }
    return view;
  }

  /** Three queries for a whole page: its invoices' payments and the requests made about either. */
  private async views(invoices: Invoice[]): Promise<AdminInvoiceView[]> {
    const payments = await this.repository.paymentsOf(invoices.map((i) => i.id));
    const [voids, refunds] = await Promise.all([
      this.repository.lastRequested(
        'void',
        invoices.map((i) => i.id),
      ),
      this.repository.lastRequested(
        'refund',
        payments.map((p) => p.id),
      ),
    ]);
    const byInvoice = new Map<string, Payment[]>();
    for (const payment of payments) {
      byInvoice.set(payment.invoiceId, [...(byInvoice.get(payment.invoiceId) ?? []), payment]);
    }
    return invoices.map((invoice) => ({
      id: invoice.id,
      tenantId: invoice.tenantId,
      orderId: invoice.orderId,
      number: invoice.number,
      kind: invoice.kind,
      status: invoice.status,
      currency: invoice.currency,
      subtotalMinor: invoice.subtotalMinor,
      taxMinor: invoice.taxMinor,
      creditAppliedMinor: invoice.creditAppliedMinor,
      totalMinor: invoice.totalMinor,
      createdAt: invoice.issuedAt.toISOString(),
      dueAt: invoice.dueAt.toISOString(),
      paidAt: invoice.paidAt?.toISOString() ?? null,
      voidedAt: invoice.voidedAt?.toISOString() ?? null,
      voidReason: invoice.voidReason,
      voidRequestedAt: voids.get(invoice.id)?.toISOString() ?? null,
      payments: (byInvoice.get(invoice.id) ?? []).map((p) => ({
        id: p.id,
        method: p.method,
        status: p.status,
        amountMinor: p.amountMinor,
        currency: p.currency,
        refunded: p.status === 'refunded',
        failureReason: p.failureReason,
        createdAt: p.createdAt.toISOString(),
        refundRequestedAt: refunds.get(p.id)?.toISOString() ?? null,
      })),
    }));
  }
}
