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

/** How many idempotency keys of each kind the test gateway remembers; the oldest are forgotten first. */
export const TEST_GATEWAY_MEMORY = 10_000;

/** A Map that forgets its oldest entries beyond a bound (Maps keep insertion order). */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly bound: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    for (const oldest of this.keys()) {
      if (this.size <= this.bound) {
        break;
      }
      this.delete(oldest);
    }
    return this;
  }
}

/**
 * The default PaymentGateway: no network, deterministic by token. Like a real provider it remembers each
 * idempotency key, so a retried charge or refund returns the first answer — the last TEST_GATEWAY_MEMORY keys of
 * each kind, per process: enough for a retry, bounded for a process that runs long. Production binds it only with
 * ALLOW_TEST_PAYMENTS=true.
 */
@Injectable()
export class TestPaymentGateway implements PaymentGateway {
  private readonly charges = new BoundedMap<string, ChargeResult>(TEST_GATEWAY_MEMORY);
  private readonly refunds = new BoundedMap<string, { reference: string }>(TEST_GATEWAY_MEMORY);
  private readonly flakyAttempts = new BoundedMap<string, true>(TEST_GATEWAY_MEMORY);

  /** Idempotency keys remembered, charges and refunds together. */
  get remembered(): number {
    return this.charges.size + this.refunds.size + this.flakyAttempts.size;
  }

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
      this.flakyAttempts.set(idempotencyKey, true);
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
