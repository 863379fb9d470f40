/**
 * The order's lifecycle as data. Only events move an order (plus the customer's own cancel command), and every
 * move is checked here first.
 */
export const ORDER_STATUSES = [
  'pending',
  'awaiting_payment',
  'confirmed',
  'provisioning',
  'completed',
  'cancelled',
  'failed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderTrigger =
  | 'invoice.generated'
  | 'payment.received'
  | 'provisioning.started'
  | 'provisioning.completed'
  | 'cancel'
  | 'fail';

const TRANSITIONS: Record<OrderStatus, Partial<Record<OrderTrigger, OrderStatus>>> = {
  pending: { 'invoice.generated': 'awaiting_payment', cancel: 'cancelled', fail: 'failed' },
  awaiting_payment: { 'payment.received': 'confirmed', cancel: 'cancelled', fail: 'failed' },
  // After payment only the saga cancels (it refunds first); the customer no longer can.
  confirmed: { 'provisioning.started': 'provisioning', cancel: 'cancelled', fail: 'failed' },
  provisioning: { 'provisioning.completed': 'completed', cancel: 'cancelled', fail: 'failed' },
  completed: {},
  cancelled: {},
  failed: {},
};

export function nextStatus(status: OrderStatus, trigger: OrderTrigger): OrderStatus | undefined {
  return TRANSITIONS[status][trigger];
}

export function isTerminal(status: OrderStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}

/** Customers may cancel until money was taken. */
export function customerMayCancel(status: OrderStatus): boolean {
  return status === 'pending' || status === 'awaiting_payment';
}
