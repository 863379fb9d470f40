import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, LessThan } from 'typeorm';
import { Invoice, type InvoiceKind, type InvoiceStatus } from './entities/invoice.entity.js';
import { InvoiceLine } from './entities/invoice-line.entity.js';

export interface InvoiceFilter {
  status?: InvoiceStatus;
  orderId?: string;
  kind?: InvoiceKind;
  before?: string;
}

/** All database I/O of invoices and their lines; every read of an invoice is scoped by tenant. */
@Injectable()
export class InvoiceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The order's own invoice (its renewals carry the order id too). */
  findByOrder(manager: EntityManager, tenantId: string, orderId: string): Promise<Invoice | null> {
    return manager.findOneBy(Invoice, { tenantId, orderId, kind: 'order' });
  }

  /**
   * Takes the tenant's next invoice number for the year. The counter row stays locked until the caller's
   * transaction ends, so numbers are handed out in commit order and a rollback gives its number back.
   */
  async nextNumber(manager: EntityManager, tenantId: string, year: number): Promise<number> {
    const rows: { last_number: number }[] = await manager.query(
      `INSERT INTO billing.invoice_counter AS c (tenant_id, year, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = c.last_number + 1
       RETURNING last_number`,
      [tenantId, year],
    );
    const next = rows[0]?.last_number;
    if (next === undefined) {
      throw new Error('invoice counter returned no row');
    }
    return next;
  }

  async insert(manager: EntityManager, invoice: Invoice, lines: InvoiceLine[]): Promise<void> {
    await manager.insert(Invoice, invoice);
    await manager.insert(InvoiceLine, lines);
  }

  findForTenant(tenantId: string, id: string): Promise<Invoice | null> {
    return this.manager.findOneBy(Invoice, { tenantId, id });
  }

  lockForTenant(manager: EntityManager, tenantId: string, id: string): Promise<Invoice | null> {
    return manager.findOne(Invoice, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Only for the payment provider's webhook, which names an invoice but no tenant: the invoice tells the tenant,
   * and everything after this read is scoped by it.
   */
  lockForProvider(manager: EntityManager, id: string): Promise<Invoice | null> {
    return manager.findOne(Invoice, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lines(invoiceId: string): Promise<InvoiceLine[]> {
    return this.manager.find(InvoiceLine, { where: { invoiceId }, order: { position: 'ASC' } });
  }

  list(tenantId: string, limit: number, filter: InvoiceFilter): Promise<Invoice[]> {
    return this.manager.find(Invoice, {
      where: {
        tenantId,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.orderId ? { orderId: filter.orderId } : {}),
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...(filter.before ? { id: LessThan(filter.before) } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  async markPaid(manager: EntityManager, invoice: Invoice, at: Date): Promise<void> {
    invoice.status = 'paid';
    invoice.paidAt = at;
    invoice.updatedAt = at;
    await manager.update(
      Invoice,
      { tenantId: invoice.tenantId, id: invoice.id },
      { status: 'paid', paidAt: at, updatedAt: at },
    );
  }

  async markVoided(manager: EntityManager, invoice: Invoice, reason: string, at: Date): Promise<void> {
    invoice.status = 'voided';
    invoice.voidedAt = at;
    invoice.voidReason = reason;
    invoice.pendingVoidReason = null;
    invoice.updatedAt = at;
    await manager.update(
      Invoice,
      { tenantId: invoice.tenantId, id: invoice.id },
      { status: 'voided', voidedAt: at, voidReason: reason, pendingVoidReason: null, updatedAt: at },
    );
  }
}
