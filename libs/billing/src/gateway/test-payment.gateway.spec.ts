import { randomUUID } from 'node:crypto';
import { chargeWithRetry, type PaymentGateway, TransientGatewayError } from './payment-gateway.js';
import { TEST_GATEWAY_MEMORY, TestPaymentGateway } from './test-payment.gateway.js';

describe(TestPaymentGateway.name, () => {
  let gateway: TestPaymentGateway;
  const charge = (token: string, key = randomUUID()) => gateway.charge(token, 2141, 'EUR', key);

  beforeEach(() => {
    gateway = new TestPaymentGateway();
  });

  it('captures tok_success with a provider reference', async () => {
    expect(await charge('tok_success')).toEqual({
      status: 'captured',
      reference: expect.stringMatching(/^ch_test_[0-9a-f]{24}$/) as unknown,
    });
  });

  it('declines tok_declined, tok_insufficient_funds and unknown tokens with their reasons', async () => {
    expect(await charge('tok_declined')).toEqual({ status: 'declined', reason: 'card_declined' });
    expect(await charge('tok_insufficient_funds')).toEqual({
      status: 'declined',
      reason: 'insufficient_funds',
    });
    expect(await charge('tok_whatever')).toEqual({ status: 'declined', reason: 'invalid_payment_token' });
  });

  it('fails tok_unavailable transiently every time', async () => {
    const key = randomUUID();
    await expect(charge('tok_unavailable', key)).rejects.toBeInstanceOf(TransientGatewayError);
    await expect(charge('tok_unavailable', key)).rejects.toBeInstanceOf(TransientGatewayError);
  });

  it('fails tok_flaky once per idempotency key, then captures', async () => {
    const key = randomUUID();
    await expect(charge('tok_flaky', key)).rejects.toBeInstanceOf(TransientGatewayError);
    expect(await charge('tok_flaky', key)).toMatchObject({ status: 'captured' });
    await expect(charge('tok_flaky')).rejects.toBeInstanceOf(TransientGatewayError);
  });

  it('returns the first result again for the same idempotency key', async () => {
    const key = randomUUID();
    const first = await charge('tok_success', key);
    expect(await charge('tok_declined', key)).toEqual(first);
    expect(await charge('tok_success')).not.toEqual(first);
  });

  it('refunds once per idempotency key', async () => {
    const key = randomUUID();
    const first = await gateway.refund('ch_test_1', 2141, 'EUR', key);
    expect(first.reference).toMatch(/^re_test_/);
    expect(await gateway.refund('ch_test_1', 2141, 'EUR', key)).toEqual(first);
    expect(await gateway.refund('ch_test_1', 2141, 'EUR', randomUUID())).not.toEqual(first);
  });
});

describe(chargeWithRetry.name, () => {
  const request = { token: 'tok', amountMinor: 100, currency: 'EUR', idempotencyKey: 'k' };

  function scripted(...answers: ('transient' | 'captured')[]): PaymentGateway & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      charge: (_token, _amount, _currency, key) => {
        calls.push(key);
        const answer = answers.shift();
        return answer === 'captured'
          ? Promise.resolve({ status: 'captured', reference: 'ch_1' })
          : Promise.reject(new TransientGatewayError('down'));
      },
      refund: () => Promise.reject(new Error('unused')),
    };
  }

  it('retries a transient failure with the same idempotency key', async () => {
    const gateway = scripted('transient', 'captured');
    expect(await chargeWithRetry(gateway, request, [1, 1])).toEqual({
      status: 'captured',
      reference: 'ch_1',
    });
    expect(gateway.calls).toEqual(['k', 'k']);
  });

  it('gives up after one attempt more than there are backoff delays', async () => {
    const gateway = scripted('transient', 'transient', 'transient', 'captured');
    expect(await chargeWithRetry(gateway, request, [1, 1])).toEqual({ status: 'unavailable', attempts: 3 });
    expect(gateway.calls).toHaveLength(3);
  });

  it('does not retry an unexpected error', async () => {
    const gateway: PaymentGateway = {
      charge: () => Promise.reject(new Error('bug')),
      refund: () => Promise.reject(new Error('unused')),
    };
    await expect(chargeWithRetry(gateway, request, [1, 1])).rejects.toThrow('bug');
  });

  it('the test gateway remembers a bounded number of idempotency keys, the newest ones', async () => {
    const gateway = new TestPaymentGateway();
    const charge = (token: string, key: string) => gateway.charge(token, 2141, 'EUR', key);
    const first = await charge('tok_success', 'key-0');
    for (let n = 1; n <= TEST_GATEWAY_MEMORY + 500; n++) {
      await charge('tok_declined', `key-${n}`);
      await gateway.refund('ch_test', 1, 'EUR', `refund-${n}`);
    }
    expect(gateway.remembered).toBe(2 * TEST_GATEWAY_MEMORY);
    // The newest keys still answer as before; the oldest were forgotten.
    expect(await charge('tok_success', `key-${TEST_GATEWAY_MEMORY + 500}`)).toEqual({
      status: 'declined',
      reason: 'card_declined',
    });
    expect(await charge('tok_success', 'key-0')).not.toEqual(first);
  });
});
