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
  status: Invoice['status'];
  currency: string;
  subtotalMinor: number;
  taxRateBp: number;
  taxMinor: number;
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
    status: invoice.status,
    currency: invoice.currency,
    subtotalMinor: invoice.subtotalMinor,
    taxRateBp: invoice.taxRateBp,
    taxMinor: invoice.taxMinor,
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
