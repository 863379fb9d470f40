import type { OrderStatus } from '@app/contracts';
import type { AuditEventView } from './admin-api.view.js';

/**
 * What an order's logged events imply about it, worked out by the audit module alone (it may not read orders'
 * tables nor import its code): the contracts' statuses and the same forward-only rule as the orders module's state
 * machine, driven by the events orders itself publishes (order.*) and by the facts it reacts to.
 */
const MOVES: Record<string, OrderStatus> = {
  'order.created': 'pending',
  'invoice.generated': 'awaiting_payment',
  'order.confirmed': 'confirmed',
  'provisioning.started': 'provisioning',
  'order.completed': 'completed',
  'order.cancelled': 'cancelled',
};

const RANK: Record<OrderStatus, number> = {
  pending: 0,
  awaiting_payment: 1,
  confirmed: 2,
  provisioning: 3,
  completed: 4,
  cancelled: 5,
  failed: 5,
};

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['completed', 'cancelled', 'failed']);

export interface StateStep {
  status: OrderStatus;
  event: string | null;
  eventId: string | null;
  at: string;
}

export interface FoldedState {
  status: OrderStatus | null;
  serviceId: string | null;
  steps: StateStep[];
}

export interface StoredState {
  found: boolean;
  status: OrderStatus | null;
  serviceId: string | null;
  steps: StateStep[];
  /** Steps orders holds; the reported list is cut at 100. */
  stepCount: number;
}

type DifferingValue = string | number | boolean | null | string[];

export interface StateDifference {
  field: 'found' | 'status' | 'serviceId' | 'steps' | 'stepCount';
  logged: DifferingValue;
  stored: DifferingValue;
}

/**
 * Folds the order's events, taken in the order given (causal order), into a status and step list. An event moves
 * the order only forward, and a finished order stays finished; dead letters and second copies of an event (a
 * redelivery, a redrive) count once.
 */
export function foldOrder(orderId: string, events: AuditEventView[]): FoldedState {
  const state: FoldedState = { status: null, serviceId: null, steps: [] };
  const seen = new Set<string>();
  for (const event of events) {
    const target = MOVES[event.type];
    const data = event.payload as { orderId?: unknown; serviceId?: unknown } | null;
    if (!target || event.deadLetter || data?.orderId !== orderId) {
      continue;
    }
    if (event.eventId !== null) {
      if (seen.has(event.eventId)) {
        continue;
      }
      seen.add(event.eventId);
    }
    const current = state.status;
    if (current !== null && (TERMINAL.has(current) || RANK[target] <= RANK[current])) {
      continue;
    }
    state.status = target;
    state.steps.push({ status: target, event: event.type, eventId: event.eventId, at: event.occurredAt });
    // Orders names the service from its build's start (provisioning.started) and again on completion.
    if ((target === 'completed' || target === 'provisioning') && typeof data.serviceId === 'string') {
      state.serviceId = data.serviceId;
    }
  }
  return state;
}

/**
 * Where the stored state disagrees with the logged one. Steps are compared by status: orders records the fact that
 * moved it (payment.received), the log folds the order's own announcement (order.confirmed).
 */
export function compareStates(folded: FoldedState, stored: StoredState): StateDifference[] {
  if (!stored.found) {
    return [{ field: 'found', logged: true, stored: false }];
  }
  const differences: StateDifference[] = [];
  if (folded.status !== stored.status) {
    differences.push({ field: 'status', logged: folded.status, stored: stored.status });
  }
  if (folded.serviceId !== stored.serviceId) {
    differences.push({ field: 'serviceId', logged: folded.serviceId, stored: stored.serviceId });
  }
  const logged = folded.steps.map((s) => s.status);
  const kept = stored.steps.map((s) => s.status);
  const truncated = kept.length < stored.stepCount;
  const same = (truncated ? logged.slice(0, kept.length) : logged).join() === kept.join();
  if (!same) {
    differences.push({ field: 'steps', logged, stored: kept });
  } else if (truncated && logged.length !== stored.stepCount) {
    differences.push({ field: 'stepCount', logged: logged.length, stored: stored.stepCount });
  }
  return differences;
}
