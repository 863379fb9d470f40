import type { OrderStatus } from '@app/contracts';

/**
 * The order's lifecycle as data. Only events move an order (plus the customer's own cancel command), and every
 * move is checked here first. The statuses themselves are the contracts' (ORDER_STATUSES): the tables below name
 * each one, so a status added there is a compile error here until it has its moves.
 */
export type { OrderStatus };

export type OrderTrigger =
  'invoice.generated' | 'payment.received' | 'provisioning.started' | 'saga.completed' | 'cancel' | 'fail';

const TRANSITIONS: Record<OrderStatus, Partial<Record<OrderTrigger, OrderStatus>>> = {
  pending: { 'invoice.generated': 'awaiting_payment', cancel: 'cancelled', fail: 'failed' },
  awaiting_payment: { 'payment.received': 'confirmed', cancel: 'cancelled', fail: 'failed' },
  // After payment only the saga cancels (it refunds first); the customer no longer can.
  confirmed: { 'provisioning.started': 'provisioning', cancel: 'cancelled', fail: 'failed' },
  provisioning: { 'saga.completed': 'completed', cancel: 'cancelled', fail: 'failed' },
  completed: {},
  cancelled: {},
  failed: {},
};

export function nextStatus(status: OrderStatus, trigger: OrderTrigger): OrderStatus | undefined {
  return TRANSITIONS[status][trigger];
}

const RANK: Record<OrderStatus, number> = {
  pending: 0,
  awaiting_payment: 1,
  confirmed: 2,
  provisioning: 3,
  completed: 4,
  cancelled: 5,
  failed: 5,
};

/**
 * Where an event moves the order. Events of different topics may arrive out of causal order (provisioning.started
 * before payment.received), so a progress event moves the order forward to its target, skipping steps, and never
 * back; terminal orders stay put.
 */
export function advance(status: OrderStatus, trigger: OrderTrigger): OrderStatus | undefined {
  if (isTerminal(status)) {
    return undefined;
  }
  const direct = nextStatus(status, trigger);
  if (direct) {
    return direct;
  }
  const target = FORWARD_TARGET[trigger];
  return target && RANK[target] > RANK[status] ? target : undefined;
}

const FORWARD_TARGET: Partial<Record<OrderTrigger, OrderStatus>> = {
  'invoice.generated': 'awaiting_payment',
  'payment.received': 'confirmed',
  'provisioning.started': 'provisioning',
  'saga.completed': 'completed',
};

export function isTerminal(status: OrderStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}

/** Customers may cancel until money was taken. */
export function customerMayCancel(status: OrderStatus): boolean {
  return status === 'pending' || status === 'awaiting_payment';
}
