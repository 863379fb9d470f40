import { signWebhook } from '@app/platform';
import type { WebhookPayload } from './entities/webhook-delivery.entity.js';

export const WEBHOOK_HEADERS = {
  signature: 'Platforma-Signature',
  eventId: 'Platforma-Event-Id',
  eventType: 'Platforma-Event-Type',
  deliveryId: 'Platforma-Delivery-Id',
  attempt: 'Platforma-Delivery-Attempt',
} as const;

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * One attempt's POST: the payload as JSON, signed with the endpoint's current secret at the attempt's time (a
 * receiver checks the signature over the raw body and refuses stale timestamps, so every retry is signed anew).
 */
export function signedRequest(
  delivery: { id: string; payload: WebhookPayload },
  attempt: number,
  secret: string,
  nowMs = Date.now(),
): SignedRequest {
  const body = JSON.stringify(delivery.payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'PLATFORMA-Webhooks/1',
      [WEBHOOK_HEADERS.signature]: signWebhook(secret, body, nowMs / 1000),
      [WEBHOOK_HEADERS.eventId]: delivery.payload.id,
      [WEBHOOK_HEADERS.eventType]: delivery.payload.type,
      [WEBHOOK_HEADERS.deliveryId]: delivery.id,
      [WEBHOOK_HEADERS.attempt]: String(attempt),
    },
  };
}
