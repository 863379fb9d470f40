import type { InvoiceStatus } from '../entities/invoice.entity.js';
import type { PaymentStatus } from '../entities/payment.entity.js';

/**
 * Whether an operator's void or refund may go ahead, as data and pure functions. The back office asks before it
 * publishes the command (with `pending`: an earlier request of the same kind is still on its way), and billing's
 * consumer asks again when the command arrives (without: the command is that request), because the state may have
 * changed in between, e.g. the customer paid. A refusal there dead-letters the command with the reason.
 */
export const VOID_REFUSALS = ['invoice-already-voided', 'invoice-paid', 'void-already-requested'] as const;
export type VoidRefusal = (typeof VOID_REFUSALS)[number];

export const REFUND_REFUSALS = [
  'payment-already-refunded',
  'payment-not-refundable',
  'refund-already-requested',
] as const;
export type RefundRefusal = (typeof REFUND_REFUSALS)[number];

export interface VoidTarget {
  status: InvoiceStatus;
  /** Payments still captured on the invoice (a refunded one no longer counts). */
  capturedPayments: number;
  /** An operator's void of this invoice, made while it was as it is now, is on its way. */
  pending: boolean;
}

export interface RefundTarget {
  status: PaymentStatus;
  /** Whether the provider can give it back: a capture with a provider reference (not settled by account credit). */
  hasProviderReference: boolean;
  /** An operator's refund of this payment, made while it was as it is now, is on its way. */
  pending: boolean;
}

export interface Refusal<C extends string> {
  code: C;
  reason: string;
}

/**
 * A void takes an invoice nobody paid: a paid invoice is given back by refunding its payment (which the customer
 * sees) rather than by a void that would refund it on the side. A paid invoice whose payments were all refunded
 * may be voided.
 */
export function voidRefusal(t: VoidTarget): Refusal<VoidRefusal> | null {
  if (t.status === 'voided') {
    return { code: 'invoice-already-voided', reason: 'the invoice is voided already' };
  }
  if (t.capturedPayments > 0) {
    return {
      code: 'invoice-paid',
      reason:
        'the invoice is paid: refund the payment instead (a void would not say who gave the money back)',
    };
  }
  if (t.pending) {
    return { code: 'void-already-requested', reason: 'a void of this invoice was requested already' };
  }
  return null;
}

export function refundRefusal(t: RefundTarget): Refusal<RefundRefusal> | null {
  switch (t.status) {
    case 'refunded':
      return { code: 'payment-already-refunded', reason: 'the payment was refunded already' };
    case 'failed':
      return { code: 'payment-not-refundable', reason: 'the payment failed: nothing was captured' };
    case 'captured':
      if (!t.hasProviderReference) {
        return {
          code: 'payment-not-refundable',
          reason: 'the payment was settled without the provider (account credit): nothing to give back',
        };
      }
      return t.pending
        ? { code: 'refund-already-requested', reason: 'a refund of this payment was requested already' }
        : null;
  }
}
