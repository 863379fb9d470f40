import type { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import type { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import type { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';

/** An endpoint as its tenant reads it: never with its secret. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: 'active' | 'disabled';
  createdAt: string;
  secretRotatedAt: string;
  disabledAt: string | null;
}

/** The only responses that carry the secret: registration and rotation. */
export type WebhookWithSecret = WebhookView & { secret: string };

export interface WebhookAttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  /** Only for an answer: without one, the time taken would tell a closed port from a filtered one. */
  durationMs: number | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDelivery['status'];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  createdAt: string;
  attemptLog: WebhookAttemptView[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The first `limit` rows of `limit + 1` fetched, and the cursor of the next page when there is one. */
export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  return {
    items: page.map(view),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

export function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    status: endpoint.status === 'active' ? 'active' : 'disabled',
    createdAt: endpoint.createdAt.toISOString(),
    secretRotatedAt: endpoint.secretRotatedAt.toISOString(),
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
  };
}

export function toDeliveryView(
  delivery: WebhookDelivery,
  attempts: WebhookDeliveryAttempt[],
): WebhookDeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    failedAt: delivery.failedAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      statusCode: a.statusCode,
      durationMs: a.statusCode === null ? null : a.durationMs,
      error: a.error,
    })),
  };
}
