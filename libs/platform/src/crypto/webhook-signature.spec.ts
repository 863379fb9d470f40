import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_unit_test_secret_0123456789';
  const body = Buffer.from('{"id":"evt_1","type":"payment.succeeded"}');
  const now = 1_800_000_000_000;
  const t = now / 1000;
  const verify = (header: string | undefined, raw: Buffer | undefined = body, at = now) =>
    verifyWebhookSignature(header, raw, secret, 300, at);

  it('accepts a body signed with the secret within the tolerance', () => {
    expect(verify(signWebhook(secret, body, t))).toBe('valid');
    expect(verify(signWebhook(secret, body.toString(), t - 299))).toBe('valid');
    expect(verify(signWebhook(secret, body, t + 299))).toBe('valid');
  });

  it('rejects a forged signature, another secret, a tampered body or a swapped timestamp', () => {
    expect(verify(`t=${t},v1=${'0'.repeat(64)}`)).toBe('invalid');
    expect(verify(signWebhook('whsec_someone_else_entirely', body, t))).toBe('invalid');
    expect(verify(signWebhook(secret, body, t), Buffer.from('{"id":"evt_1","type":"payment.failed"}'))).toBe(
      'invalid',
    );
    const v1 = signWebhook(secret, body, t - 1000).split(',')[1] ?? '';
    expect(verify(`t=${t},${v1}`)).toBe('invalid');
  });

  it('rejects missing and malformed headers', () => {
    for (const header of [
      undefined,
      '',
      'garbage',
      `t=${t}`,
      'v1=abc',
      `t=x,v1=${'a'.repeat(64)}`,
      't=1=2',
    ]) {
      expect({ header, result: verify(header) }).toEqual({ header, result: 'invalid' });
    }
    expect(verifyWebhookSignature(signWebhook(secret, body, t), undefined, secret, 300, now)).toBe('invalid');
  });

  it('reports a correctly signed but stale or future timestamp as expired', () => {
    expect(verify(signWebhook(secret, body, t - 301))).toBe('expired');
    expect(verify(signWebhook(secret, body, t + 301))).toBe('expired');
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const good = signWebhook(secret, body, t);
    expect(verify(`${good.split(',')[0]},v1=${'f'.repeat(64)},${good.split(',')[1]}`)).toBe('valid');
  });
});
