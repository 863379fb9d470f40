import { SUBSCRIPTION_STATUSES, SUSPEND_REASONS } from '../entities/subscription.entity.js';
import {
  decideOperatorAction,
  OPERATOR_ACTIONS,
  OPERATOR_VIEWS,
  type OperatorAction,
  type OperatorView,
  operatorViewOf,
} from './operator-action.state.js';

/** The documented table (libs/billing/src/subscriptions/README.md), written out: view → action → [not overdue, overdue]. */
const TABLE: Record<OperatorView, Record<OperatorAction, [string, string]>> = {
  pending: {
    suspend: ['409 subscription-not-delivered', '409 subscription-not-delivered'],
    unsuspend: ['409 subscription-not-delivered', '409 subscription-not-delivered'],
    terminate: ['409 subscription-not-delivered', '409 subscription-not-delivered'],
  },
  active: {
    suspend: ['suspended', 'suspended'],
    unsuspend: ['409 service-not-suspended', '409 service-not-suspended'],
    terminate: ['terminated', 'terminated'],
  },
  suspended_non_payment: {
    suspend: ['409 service-already-suspended', '409 service-already-suspended'],
    unsuspend: ['409 suspended-for-non-payment', '409 suspended-for-non-payment'],
    terminate: ['terminated', 'terminated'],
  },
  suspended_operator: {
    suspend: ['409 service-already-suspended', '409 service-already-suspended'],
    unsuspend: ['active', '409 renewal-overdue'],
    terminate: ['terminated', 'terminated'],
  },
  terminated: {
    suspend: ['409 subscription-terminated', '409 subscription-terminated'],
    unsuspend: ['409 subscription-terminated', '409 subscription-terminated'],
    terminate: ['409 subscription-terminated', '409 subscription-terminated'],
  },
};

const PAIRS = OPERATOR_VIEWS.flatMap((view) =>
  OPERATOR_ACTIONS.flatMap((action) => [false, true].map((overdue) => [view, action, overdue] as const)),
);

describe(decideOperatorAction.name, () => {
  it('decides every (view × action × overdue), as the table says', () => {
    expect(PAIRS).toHaveLength(OPERATOR_VIEWS.length * OPERATOR_ACTIONS.length * 2);
    for (const [view, action, overdue] of PAIRS) {
      const decision = decideOperatorAction(view, action, overdue);
      const said = decision.kind === 'apply' ? decision.status : `409 ${decision.refusal}`;
      expect([view, action, overdue, said]).toEqual([
        view,
        action,
        overdue,
        TABLE[view][action][overdue ? 1 : 0],
      ]);
    }
  });

  it('applies an action only to a delivered service that is not terminated', () => {
    for (const [view, action, overdue] of PAIRS) {
      if (decideOperatorAction(view, action, overdue).kind === 'apply') {
        expect(['active', 'suspended_non_payment', 'suspended_operator']).toContain(view);
      }
    }
  });
});

describe(operatorViewOf.name, () => {
  it('tells every status and suspend reason apart', () => {
    const views = SUBSCRIPTION_STATUSES.flatMap((status) =>
      [...SUSPEND_REASONS, null].map((reason) => [status, reason, operatorViewOf(status, reason)]),
    );
    expect(views).toEqual([
      ['pending', 'non_payment', 'pending'],
      ['pending', 'operator', 'pending'],
      ['pending', null, 'pending'],
      ['active', 'non_payment', 'active'],
      ['active', 'operator', 'active'],
      ['active', null, 'active'],
      ['suspended', 'non_payment', 'suspended_non_payment'],
      ['suspended', 'operator', 'suspended_operator'],
      ['suspended', null, 'suspended_non_payment'],
      ['terminated', 'non_payment', 'terminated'],
      ['terminated', 'operator', 'terminated'],
      ['terminated', null, 'terminated'],
    ]);
  });
});
