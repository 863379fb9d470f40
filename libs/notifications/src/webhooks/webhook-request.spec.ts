import { verifyWebhookSignature } from '@app/platform';
import type { WebhookPayload } from './entities/webhook-delivery.entity.js';
import { signedRequest } from './webhook-request.js';

describe(signedRequest.name, () => {
  const payload: WebhookPayload = {
    id: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01',
    type: 'order.created',
    version: 2,
    occurredAt: '2026-09-01T10:00:00.000Z',
    tenantId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e02',
    correlationId: 'corr-1',
    data: { orderId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e03', priceMinor: 1299 },
  };
  const delivery = { id: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e04', payload };
  const secret = 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
  const now = 1_790_000_000_000;

  it('posts the payload as JSON with the event, delivery and attempt headers', () => {
    const request = signedRequest(delivery, 3, secret, now);
    expect(JSON.parse(request.body)).toEqual(payload);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'Platforma-Event-Id': payload.id,
      'Platforma-Event-Type': 'order.created',
      'Platforma-Delivery-Id': delivery.id,
      'Platforma-Delivery-Attempt': '3',
    });
  });

  it('signs the exact body with the secret at the attempt’s time', () => {
    const request = signedRequest(delivery, 1, secret, now);
    const header = request.headers['Platforma-Signature'];
    expect(header).toMatch(new RegExp(`^t=${now / 1000},v1=[0-9a-f]{64}$`));
    const body = Buffer.from(request.body);
    expect(verifyWebhookSignature(header, body, secret, 300, now)).toBe('valid');
    expect(verifyWebhookSignature(header, body, `${secret}x`, 300, now)).toBe('invalid');
    expect(
      verifyWebhookSignature(header, Buffer.from(request.body.replace('1299', '1')), secret, 300, now),
    ).toBe('invalid');
    expect(verifyWebhookSignature(header, body, secret, 300, now + 301_000)).toBe('expired');
  });

  it('carries no secret in the body or the headers', () => {
    const request = signedRequest(delivery, 1, secret, now);
    expect(request.body).not.toContain(secret);
    expect(Object.values(request.headers).join('\n')).not.toContain(secret);
  });
});
