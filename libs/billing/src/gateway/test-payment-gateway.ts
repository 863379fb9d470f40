import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type ChargeResult, type PaymentGateway, TransientGatewayError } from './payment-gateway.js';

/**
 * Tokens the test gateway understands (documented in libs/billing/README.md and the pay endpoint's OpenAPI).
 * Any other token is declined with invalid_payment_token.
 */
export const TEST_PAYMENT_TOKENS = {
  tok_success: 'captured',
  tok_declined: 'declined: card_declined',
  tok_insufficient_funds: 'declined: insufficient_funds',
  tok_unavailable: 'always a transient provider error',
  tok_flaky: 'a transient error on the first attempt per idempotency key, then captured',
} as const;

const DECLINES: Record<string, string> = {
  tok_declined: 'card_declined',
  tok_insufficient_funds: 'insufficient_funds',
};

/**
 * The default PaymentGateway: no network, deterministic by token. Like a real provider it remembers each
 * idempotency key, so a retried charge or refund returns the first answer. Memory is per process and unbounded:
 * fine for development and tests, and the reason a real deployment plugs in a real provider.
 */
@Injectable()
export class TestPaymentGateway implements PaymentGateway {
  private readonly charges = new Map<string, ChargeResult>();
  private readonly refunds = new Map<string, { reference: string }>();
  private readonly flakyAttempts = new Set<string>();

  charge(
    token: string,
    _amountMinor: number,
    _currency: string,
    idempotencyKey: string,
  ): Promise<ChargeResult> {
    const known = this.charges.get(idempotencyKey);
    if (known) {
      return Promise.resolve(known);
    }
    if (token === 'tok_unavailable') {
      return Promise.reject(new TransientGatewayError('test gateway: provider unavailable'));
    }
    if (token === 'tok_flaky' && !this.flakyAttempts.has(idempotencyKey)) {
      this.flakyAttempts.add(idempotencyKey);
      return Promise.reject(new TransientGatewayError('test gateway: flaky first attempt'));
    }
    const decline = DECLINES[token];
    const result: ChargeResult =
      token === 'tok_success' || token === 'tok_flaky'
        ? { status: 'captured', reference: `ch_test_${randomBytes(12).toString('hex')}` }
        : { status: 'declined', reason: decline ?? 'invalid_payment_token' };
    this.charges.set(idempotencyKey, result);
    return Promise.resolve(result);
  }

  refund(reference: string, _amountMinor: number, _currency: string, idempotencyKey: string) {
    let refund = this.refunds.get(idempotencyKey);
    if (!refund) {
      const digest = createHash('sha256').update(`${reference}:${idempotencyKey}`).digest('hex');
      refund = { reference: `re_test_${digest.slice(0, 24)}` };
      this.refunds.set(idempotencyKey, refund);
    }
    return Promise.resolve(refund);
  }
}
