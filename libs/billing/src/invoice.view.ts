import type { Invoice } from './entities/invoice.entity.js';
import type { InvoiceLine } from './entities/invoice-line.entity.js';
import type { Payment } from './entities/payment.entity.js';

export interface InvoiceLineView {
  description: string;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
}

export interface PaymentView {
  id: string;
  method: Payment['method'];
  status: Payment['status'];
  amountMinor: number;
  currency: string;
  providerReference: string | null;
  failureReason: string | null;
  createdAt: string;
}

export interface InvoiceView {
  id: string;
  number: string;
  orderId: string;
  /** order: the order's first invoice; renewal: a subscription's next period; plan_change: an upgrade. */
  kind: Invoice['kind'];
  /** The period a renewal pays for, or the part of the period an upgrade pays for; null on an order invoice. */
  period: { start: string; end: string } | null;
  status: Invoice['status'];
  currency: string;
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
  /** Account credit applied after tax (also shown as a negative "Credit applied" line). */
  creditAppliedMinor: number;
  /** subtotalMinor + taxMinor - creditAppliedMinor: what is left to pay. */
  totalMinor: number;
  dueAt: string;
  issuedAt: string;
  paidAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  lines?: InvoiceLineView[];
  payments?: PaymentView[];
}

export interface InvoicePage {
  items: InvoiceView[];
  nextCursor: string | null;
}

export function toView(invoice: Invoice, lines?: InvoiceLine[], payments?: Payment[]): InvoiceView {
  return {
    id: invoice.id,
    number: invoice.number,
    orderId: invoice.orderId,
    kind: invoice.kind,
    period:
      invoice.periodStart && invoice.periodEnd
        ? { start: invoice.periodStart.toISOString(), end: invoice.periodEnd.toISOString() }
        : null,
    status: invoice.status,
    currency: invoice.currency,
    subtotalMinor: invoice.subtotalMinor,
    taxRateBp: invoice.taxRateBp,
    taxMinor: invoice.taxMinor,
    creditAppliedMinor: invoice.creditAppliedMinor,
    totalMinor: invoice.totalMinor,
    dueAt: invoice.dueAt.toISOString(),
    issuedAt: invoice.issuedAt.toISOString(),
    paidAt: invoice.paidAt?.toISOString() ?? null,
    voidedAt: invoice.voidedAt?.toISOString() ?? null,
    voidReason: invoice.voidReason,
    ...(lines
      ? {
          lines: lines.map((l) => ({
            description: l.description,
            quantity: l.quantity,
            unitPriceMinor: l.unitPriceMinor,
            amountMinor: l.amountMinor,
          })),
        }
      : {}),
    ...(payments
      ? {
          payments: payments.map((p) => ({
            id: p.id,
            method: p.method,
            status: p.status,
            amountMinor: p.amountMinor,
            currency: p.currency,
            providerReference: p.providerReference,
            failureReason: p.failureReason,
            createdAt: p.createdAt.toISOString(),
          })),
        }
      : {}),
  };
}
