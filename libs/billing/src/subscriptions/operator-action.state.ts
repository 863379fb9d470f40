import type { SubscriptionStatus, SuspendReason } from '../entities/subscription.entity.js';

/** What an operator of the back office may do to a subscription's service. */
export const OPERATOR_ACTIONS = ['suspend', 'unsuspend', 'terminate'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/** A subscription as the operator's actions see it: its status, and who suspended it while suspended. */
export const OPERATOR_VIEWS = [
  'pending',
  'active',
  'suspended_non_payment',
  'suspended_operator',
  'terminated',
] as const;
export type OperatorView = (typeof OPERATOR_VIEWS)[number];

/** Why an action is refused: the stable code of the 409 problem. */
export type OperatorRefusal =
  | 'subscription-not-delivered'
  | 'service-already-suspended'
  | 'service-not-suspended'
  | 'suspended-for-non-payment'
  | 'renewal-overdue'
  | 'subscription-terminated';

export type OperatorDecision =
  | { kind: 'apply'; status: 'suspended' | 'active' | 'terminated' }
  | { kind: 'refuse'; refusal: OperatorRefusal };

const apply = (status: 'suspended' | 'active' | 'terminated'): OperatorDecision => ({
  kind: 'apply',
  status,
});
const refuse = (refusal: OperatorRefusal): OperatorDecision => ({ kind: 'refuse', refusal });

/**
 * The decision for every (subscription × action). `overdue`: an open renewal invoice is past its suspension date,
 * so the service would be suspended for non-payment right now.
 *
 * - suspend: an active service only (a suspended one is suspended already, whoever did it).
 * - unsuspend: only a suspension an operator made, and only while no renewal is overdue — dunning's suspension is
 *   lifted by paying, and lifting an operator's over an overdue renewal would run a service dunning would stop.
 * - terminate: an active or suspended service; invoicing stops as on termination for non-payment.
 * - nothing for a pending subscription (no service yet) or a terminated one.
 */
const DECISIONS: Record<OperatorView, (overdue: boolean) => Record<OperatorAction, OperatorDecision>> = {
  pending: () => ({
    suspend: refuse('subscription-not-delivered'),
    unsuspend: refuse('subscription-not-delivered'),
    terminate: refuse('subscription-not-delivered'),
  }),
  active: () => ({
    suspend: apply('suspended'),
    unsuspend: refuse('service-not-suspended'),
    terminate: apply('terminated'),
  }),
  suspended_non_payment: () => ({
    suspend: refuse('service-already-suspended'),
    unsuspend: refuse('suspended-for-non-payment'),
    terminate: apply('terminated'),
  }),
  suspended_operator: (overdue) => ({
    suspend: refuse('service-already-suspended'),
    unsuspend: overdue ? refuse('renewal-overdue') : apply('active'),
    terminate: apply('terminated'),
  }),
  terminated: () => ({
    suspend: refuse('subscription-terminated'),
    unsuspend: refuse('subscription-terminated'),
    terminate: refuse('subscription-terminated'),
  }),
};

export function operatorViewOf(
  status: SubscriptionStatus,
  suspendReason: SuspendReason | null,
): OperatorView {
  if (status !== 'suspended') {
    return status;
  }
  // A suspension recorded before suspend_reason existed was dunning's (the migration says so, too).
  return suspendReason === 'operator' ? 'suspended_operator' : 'suspended_non_payment';
}

export function decideOperatorAction(
  view: OperatorView,
  action: OperatorAction,
  overdue: boolean,
): OperatorDecision {
  return DECISIONS[view](overdue)[action];
}
