import { eventDefinition, type EventType } from './event-catalog.js';
import type { SourceModule } from './source-modules.js';

/**
 * The modules whose handlers consume each event (`@OnEvent`, or notifications' `webhookListener` for the tenants'
 * webhooks), beside the module that publishes it (its definition's `source`). The audit log records every event and
 * is not listed. Declared rather than discovered, because in a split deployment no process sees the others'
 * handlers; test/architecture/event-flow.spec.ts fails when this differs from what the code does.
 */
export const EVENT_CONSUMERS: Readonly<Record<EventType, readonly SourceModule[]>> = {
  'account.created': ['billing', 'saga'],
  'account.suspended': ['audit', 'orders'],
  'account.unsuspended': ['audit', 'orders'],
  'account.verification_requested': ['notifications'],
  'catalog.plan.published': ['billing', 'orders', 'saga'],
  'catalog.plan.retired': ['billing', 'orders'],
  'order.created': ['billing', 'notifications', 'saga'],
  'order.confirmed': ['notifications'],
  'order.cancelled': ['notifications', 'saga'],
  'order.completed': ['billing', 'notifications'],
  'invoice.generated': ['notifications', 'orders', 'saga'],
  'invoice.paid': ['notifications'],
  'invoice.voided': ['notifications', 'saga'],
  'payment.received': ['notifications', 'orders', 'saga'],
  'payment.failed': ['notifications', 'orders', 'saga'],
  'payment.refunded': ['notifications', 'orders', 'saga'],
  'provisioning.requested': ['provisioning'],
  'provisioning.started': ['orders'],
  'provisioning.progress': ['orders'],
  'provisioning.completed': ['saga'],
  'provisioning.failed': ['saga'],
  'provisioning.released': ['saga'],
  'service.suspended': [],
  'service.unsuspended': [],
  'service.terminated': [],
  'service.action_requested': ['orders', 'provisioning'],
  'service.action_completed': ['orders'],
  'service.action_failed': ['orders'],
  'service.suspend_requested': ['audit', 'provisioning'],
  'service.unsuspend_requested': ['audit', 'provisioning'],
  'service.terminate_requested': ['audit', 'provisioning'],
  'service.resize_requested': ['provisioning'],
  'service.resized': [],
  'notification.requested': ['notifications'],
  'notification.sent': [],
  'notification.failed': [],
  'saga.started': [],
  'saga.step_completed': [],
  'saga.compensating': [],
  'saga.completed': ['orders'],
  'saga.failed': [],
  'saga.operator_action': ['audit'],
  'provisioning.release_requested': ['provisioning'],
  'payment.refund_requested': ['audit', 'billing'],
  'invoice.void_requested': ['audit', 'billing'],
  'order.cancel_requested': ['orders'],
  'order.state_report_requested': ['orders'],
  'order.state_reported': ['audit'],
};

/**
 * Modules that publish an event besides its definition's `source`: a request any module may make of another.
 * Billing asks notifications for its subscription notices as the saga does for an order's messages, and publishes
 * an operator's refund and void as the same commands the saga sends.
 */
export const OTHER_PRODUCERS: Readonly<Partial<Record<EventType, readonly SourceModule[]>>> = {
  'notification.requested': ['billing'],
  // The back office's refund and void: billing publishes the command it then consumes itself, through its outbox.
  'payment.refund_requested': ['billing'],
  'invoice.void_requested': ['billing'],
};

export interface EventFlow {
  /** The definition's source first, then any other publisher. */
  readonly producers: readonly SourceModule[];
  readonly consumers: readonly SourceModule[];
}

export function eventFlow(type: EventType): EventFlow {
  return {
    producers: [eventDefinition(type).source, ...(OTHER_PRODUCERS[type] ?? [])],
    consumers: EVENT_CONSUMERS[type],
  };
}
