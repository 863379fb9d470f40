import type { EventType } from '@app/contracts';

/**
 * The events a tenant's webhooks may subscribe to: facts about the tenant's own orders, invoices and payments.
 * Commands and internal events (saga steps, provisioning progress, notifications) are not part of the public API.
 */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.confirmed',
  'order.completed',
  'order.cancelled',
  'invoice.generated',
  'invoice.paid',
  'invoice.voided',
  'payment.received',
  'payment.failed',
  'payment.refunded',
] as const satisfies readonly EventType[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes an endpoint to every event in WEBHOOK_EVENT_TYPES, including ones added later. */
export const ALL_EVENTS = '*';

export const WEBHOOK_EVENT_FILTERS: readonly string[] = [...WEBHOOK_EVENT_TYPES, ALL_EVENTS];

/** The stored subscription: '*' alone, or distinct event types. */
export function eventFilterRefusal(events: readonly string[]): string | undefined {
  if (events.includes(ALL_EVENTS) && events.length > 1) {
    return `"${ALL_EVENTS}" already subscribes to every event; send it alone`;
  }
  return undefined;
}
