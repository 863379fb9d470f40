import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'valid' | 'invalid' | 'expired';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

function hmac(secret: string, timestamp: string, body: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/**
 * The Platforma-Signature header value for a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
 * keyed with the secret's UTF-8 bytes. One scheme both ways: the payment provider's webhooks to us and our
 * deliveries to customers' endpoints. The timestamp is signed too, so it cannot be refreshed.
 */
export function signWebhook(secret: string, body: string | Buffer, timestamp: number): string {
  const t = String(Math.floor(timestamp));
  return `t=${t},v1=${hmac(secret, t, body).toString('hex')}`;
}

/**
 * Checks the signature before the timestamp, so an unsigned request is always just "invalid" and learns
 * nothing more. Several v1 entries are accepted (a sender rotating its secret signs with both).
 */
export function verifyWebhookSignature(
  header: string | undefined,
  rawBody: Buffer | undefined,
  secret: string,
  toleranceSeconds: number,
  nowMs = Date.now(),
): SignatureCheck {
  if (!header || !rawBody) {
    return 'invalid';
  }
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) {
      return 'invalid';
    }
    if (key === 't' && /^\d{1,12}$/.test(value)) {
      timestamp = value;
    } else if (key === 'v1' && HEX_SHA256.test(value)) {
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || signatures.length === 0) {
    return 'invalid';
  }
  const expected = hmac(secret, timestamp, rawBody);
  if (!signatures.some((candidate) => timingSafeEqual(candidate, expected))) {
    return 'invalid';
  }
  return Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds ? 'expired' : 'valid';
}
