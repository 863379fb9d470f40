import { BillingErrorCode } from '../billing.exception.js';
import { INVOICE_STATUSES, type InvoiceKind, type InvoiceStatus } from '../entities/invoice.entity.js';
import type { PaymentMethod, PaymentStatus } from '../entities/payment.entity.js';
import type {
  AdminInvoiceKind,
  AdminInvoiceStatus,
  AdminPaymentMethod,
  AdminPaymentStatus,
  OperatorRefusalCode,
} from './billing-admin.view.js';
import {
  REFUND_REFUSALS,
  type RefundRefusal,
  type RefundTarget,
  refundRefusal,
  VOID_REFUSALS,
  type VoidRefusal,
  type VoidTarget,
  voidRefusal,
} from './operator-command.state.js';

const PAYMENT_STATUSES: PaymentStatus[] = ['captured', 'failed', 'refunded'];
const BOOLEANS = [false, true];

/** Every void target the back office or the consumer can meet. */
const voidTargets: VoidTarget[] = INVOICE_STATUSES.flatMap((status) =>
  [0, 1, 2].flatMap((capturedPayments) => BOOLEANS.map((pending) => ({ status, capturedPayments, pending }))),
);

const refundTargets: RefundTarget[] = PAYMENT_STATUSES.flatMap((status) =>
  BOOLEANS.flatMap((hasProviderReference) =>
    BOOLEANS.map((pending) => ({ status, hasProviderReference, pending })),
  ),
);

/** The rule stated once more, independently, to check the decider on every input. */
function expectedVoid(t: VoidTarget): string | null {
  if (t.status === 'voided') {
    return 'invoice-already-voided';
  }
  if (t.capturedPayments > 0) {
    return 'invoice-paid';
  }
  return t.pending ? 'void-already-requested' : null;
}

function expectedRefund(t: RefundTarget): string | null {
  if (t.status === 'refunded') {
    return 'payment-already-refunded';
  }
  if (t.status !== 'captured' || !t.hasProviderReference) {
    return 'payment-not-refundable';
  }
  return t.pending ? 'refund-already-requested' : null;
}

describe(voidRefusal.name, () => {
  it.each(voidTargets.map((t) => [JSON.stringify(t), t] as const))('decides %s', (_name, target) => {
    expect(voidRefusal(target)?.code ?? null).toBe(expectedVoid(target));
  });

  it('tells the operator of a paid invoice to refund the payment instead', () => {
    expect(voidRefusal({ status: 'paid', capturedPayments: 1, pending: false })?.reason).toMatch(
      /refund the payment instead/,
    );
  });

  it('lets a paid invoice whose payments were all refunded be voided', () => {
    expect(voidRefusal({ status: 'paid', capturedPayments: 0, pending: false })).toBeNull();
  });

  it('lets an open invoice be voided once', () => {
    expect(voidRefusal({ status: 'open', capturedPayments: 0, pending: false })).toBeNull();
    expect(voidRefusal({ status: 'open', capturedPayments: 0, pending: true })?.code).toBe(
      'void-already-requested',
    );
  });
});

describe(refundRefusal.name, () => {
  it.each(refundTargets.map((t) => [JSON.stringify(t), t] as const))('decides %s', (_name, target) => {
    expect(refundRefusal(target)?.code ?? null).toBe(expectedRefund(target));
  });

  it('refunds a captured card payment once', () => {
    expect(refundRefusal({ status: 'captured', hasProviderReference: true, pending: false })).toBeNull();
    expect(refundRefusal({ status: 'captured', hasProviderReference: true, pending: true })?.code).toBe(
      'refund-already-requested',
    );
  });
});

/** true when A and B are the same union (checked by tsc: a mismatch makes the literal below a type error). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('billing-admin.view (imports nothing; the console mirrors it)', () => {
  it('names exactly billing’s statuses, kinds, methods and refusal codes', () => {
    const same: [
      Same<AdminInvoiceStatus, InvoiceStatus>,
      Same<AdminInvoiceKind, InvoiceKind>,
      Same<AdminPaymentStatus, PaymentStatus>,
      Same<AdminPaymentMethod, PaymentMethod>,
      Same<OperatorRefusalCode, VoidRefusal | RefundRefusal>,
    ] = [true, true, true, true, true];
    expect(same).toEqual([true, true, true, true, true]);
  });

  it('answers every refusal as a problem of its own code', () => {
    const codes: string[] = Object.values(BillingErrorCode);
    expect([...VOID_REFUSALS, ...REFUND_REFUSALS].filter((c) => !codes.includes(c))).toEqual([]);
  });
});
