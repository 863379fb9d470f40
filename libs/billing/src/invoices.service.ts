import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/platform';
import { BillingErrorCode, BillingException } from './billing.exception.js';
import type { ListInvoicesQuery } from './dto/list-invoices.query.js';
import { InvoiceRepository } from './invoice.repository.js';
import { toView, type InvoicePage, type InvoiceView } from './invoice.view.js';
import { PaymentRepository } from './payment.repository.js';

/** What a customer reads of their invoices. */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly payments: PaymentRepository,
  ) {}

  async get(principal: Principal, id: string): Promise<InvoiceView> {
    const invoice = await this.invoices.findForTenant(principal.tenantId, id);
    if (!invoice) {
      throw new BillingException(BillingErrorCode.InvoiceNotFound);
    }
    const [lines, payments] = await Promise.all([
      this.invoices.lines(id),
      this.payments.forInvoice(principal.tenantId, id),
    ]);
    return toView(invoice, lines, payments);
  }

  async list(principal: Principal, query: ListInvoicesQuery): Promise<InvoicePage> {
    const limit = query.limit ?? 20;
    const rows = await this.invoices.list(principal.tenantId, limit + 1, {
      status: query.status,
      orderId: query.orderId,
      kind: query.kind,
      before: query.cursor,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((invoice) => toView(invoice)),
      nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}
