// The back office's view of invoices and payments across tenants (GET /v1/admin/invoices, /v1/admin/invoices/:id)
// and its answers to an operator's void or refund. Imports nothing: the console's browser code mirrors this file.

export type AdminInvoiceStatus = 'open' | 'paid' | 'voided';
export type AdminInvoiceKind = 'order' | 'renewal' | 'plan_change';
export type AdminPaymentStatus = 'captured' | 'failed' | 'refunded';
export type AdminPaymentMethod = 'card' | 'bank_transfer' | 'account_credit';

/** One payment attempt on the invoice. */
export interface AdminPaymentView {
  id: string;
  method: AdminPaymentMethod;
  status: AdminPaymentStatus;
  /** Minor units of `currency` (cents), as billing stores them. */
  amountMinor: number;
  currency: string;
  /** status === 'refunded'. */
  refunded: boolean;
  failureReason: string | null;
  createdAt: string;
  /** When an operator's refund of this payment was last requested, or null; the refund itself is `refunded`. */
  refundRequestedAt: string | null;
}

export interface AdminInvoiceView {
  id: string;
  tenantId: string;
  orderId: string;
  number: string;
  kind: AdminInvoiceKind;
  status: AdminInvoiceStatus;
  currency: string;
  /** Minor units of `currency`: totalMinor = subtotalMinor + taxMinor - creditAppliedMinor. */
  subtotalMinor: number;
  taxMinor: number;
  creditAppliedMinor: number;
  totalMinor: number;
  /** ISO 8601 times; createdAt is when the invoice was issued. */
  createdAt: string;
  dueAt: string;
  paidAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  /** When an operator's void of this invoice was last requested, or null. */
  voidRequestedAt: string | null;
  /** Oldest first. */
  payments: AdminPaymentView[];
}

/** Newest invoice first; pass nextCursor back as `cursor` for the next page (null: this is the last one). */
export interface AdminInvoicePage {
  items: AdminInvoiceView[];
  nextCursor: string | null;
}

/**
 * 202 to POST /v1/admin/invoices/:id/void and POST /v1/admin/payments/:id/refund: the request is recorded and its
 * command event (invoice.void_requested / payment.refund_requested) is on its way to billing's consumer. requestId
 * is the operator request's id (for a refund, also the refund's id); eventId is the command event's id.
 */
export interface OperatorRequestAccepted {
  requestId: string;
  eventId: string;
}

/** The stable `code` of a 409 answer (problem+json) when the invoice's or payment's state refuses the request. */
export type OperatorRefusalCode =
  | 'invoice-already-voided'
  | 'invoice-paid'
  | 'void-already-requested'
  | 'payment-already-refunded'
  | 'payment-not-refundable'
  | 'refund-already-requested';
