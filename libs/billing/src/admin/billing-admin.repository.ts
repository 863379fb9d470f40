import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, LessThan } from 'typeorm';
import { Invoice, type InvoiceStatus } from '../entities/invoice.entity.js';
import { Payment } from '../entities/payment.entity.js';

export type OperatorRequestKind = 'void' | 'refund';

export interface AdminInvoiceFilter {
  status?: InvoiceStatus;
  tenantId?: string;
  orderId?: string;
  /** Keyset cursor: invoices older than this one (ids are UUIDv7). */
  before?: string;
}

export interface OperatorRequest {
  id: string;
  tenantId: string;
  kind: OperatorRequestKind;
  /** The invoice (void) or the payment (refund). */
  targetId: string;
  invoiceId: string;
  requestedBy: string;
  requestedByTenantId: string;
  note: string;
  eventId: string;
  requestedAt: Date;
}

/** The table whose updated_at tells whether a request's target changed since (see the migration). */
const TARGET_TABLE: Record<OperatorRequestKind, string> = {
  void: 'billing.invoice',
  refund: 'billing.payment',
};

/**
 * The back office's database I/O: unlike the customer's reads, these cross tenants (an operator's token belongs to
 * the platform tenant). Every write still names the tenant the invoice or payment belongs to.
 */
@Injectable()
export class BillingAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(limit: number, filter: AdminInvoiceFilter): Promise<Invoice[]> {
    return this.dataSource.manager.find(Invoice, {
      where: {
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
        ...(filter.orderId ? { orderId: filter.orderId } : {}),
        ...(filter.before ? { id: LessThan(filter.before) } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  find(id: string): Promise<Invoice | null> {
    return this.dataSource.manager.findOneBy(Invoice, { id });
  }

  /** The payments of these invoices, oldest first. */
  paymentsOf(invoiceIds: string[]): Promise<Payment[]> {
    if (invoiceIds.length === 0) {
      return Promise.resolve([]);
    }
    return this.dataSource.manager.find(Payment, {
      where: { invoiceId: In(invoiceIds) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** When each of these targets was last asked for by an operator. */
  async lastRequested(kind: OperatorRequestKind, targetIds: string[]): Promise<Map<string, Date>> {
    if (targetIds.length === 0) {
      return new Map();
    }
    const rows: { target_id: string; at: Date }[] = await this.dataSource.query(
      `SELECT target_id, max(requested_at) AS at FROM billing.operator_request
       WHERE kind = $1 AND target_id = ANY($2::uuid[]) GROUP BY target_id`,
      [kind, targetIds],
    );
    return new Map(rows.map((r) => [r.target_id, r.at]));
  }

  lockInvoice(manager: EntityManager, id: string): Promise<Invoice | null> {
    return manager.findOne(Invoice, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findPayment(manager: EntityManager, id: string): Promise<Payment | null> {
    return manager.findOneBy(Payment, { id });
  }

  lockPayment(manager: EntityManager, tenantId: string, id: string): Promise<Payment | null> {
    return manager.findOne(Payment, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  countCaptured(manager: EntityManager, tenantId: string, invoiceId: string): Promise<number> {
    return manager.countBy(Payment, { tenantId, invoiceId, status: 'captured' });
  }

  /**
   * Whether a request of this kind is on its way: one made while its target (locked by the caller) was as it is
   * now. Once billing's consumer acts on it, the target changes, and a later request is judged on its own.
   */
  async pending(manager: EntityManager, kind: OperatorRequestKind, targetId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM billing.operator_request r JOIN ${TARGET_TABLE[kind]} t ON t.id = r.target_id
       WHERE r.kind = $1 AND r.target_id = $2 AND r.target_updated_at = t.updated_at LIMIT 1`,
      [kind, targetId],
    );
    return rows.length > 0;
  }

  /** Records the request, stamped with its target's current updated_at, in the caller's transaction. */
  async record(manager: EntityManager, r: OperatorRequest): Promise<void> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO billing.operator_request (id, tenant_id, kind, target_id, invoice_id, target_updated_at,
         requested_by, requested_by_tenant_id, note, event_id, requested_at)
       SELECT $1, $2, $3, t.id, $5, t.updated_at, $6, $7, $8, $9, $10 FROM ${TARGET_TABLE[r.kind]} t
       WHERE t.id = $4 RETURNING id`,
      [
        r.id,
        r.tenantId,
        r.kind,
        r.targetId,
        r.invoiceId,
        r.requestedBy,
        r.requestedByTenantId,
        r.note,
        r.eventId,
        r.requestedAt,
      ],
    );
    if (inserted.length !== 1) {
      throw new Error(`operator request ${r.id}: its ${r.kind} target ${r.targetId} is gone`);
    }
  }
}
