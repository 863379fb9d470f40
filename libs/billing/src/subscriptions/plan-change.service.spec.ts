import type { Subscription } from '../entities/subscription.entity.js';
import { periodAt } from './billing-period.js';
import { paidPeriodsAhead } from './plan-change.service.js';

const DAY = 86_400_000;
const anchor = new Date('2026-01-31T09:00:00Z');

function subscription(paidPeriods: number): Subscription {
  const current = periodAt(anchor, 'monthly', paidPeriods - 1);
  return {
    anchorAt: anchor,
    billingCycle: 'monthly',
    paidPeriods,
    currentPeriodStart: current.start,
    currentPeriodEnd: current.end,
  } as Subscription;
}

describe(paidPeriodsAhead.name, () => {
  it('is the current period while it runs', () => {
    const now = new Date(anchor.getTime() + 10 * DAY);
    expect(paidPeriodsAhead(subscription(1), now)).toEqual([periodAt(anchor, 'monthly', 0)]);
  });

  it('adds the running period when the next one was paid early and has not begun', () => {
    // Renewal paid on Feb 25: period 1 (Feb 28 – Mar 31) is paid, period 0 still runs.
    const now = new Date('2026-02-25T00:00:00Z');
    expect(paidPeriodsAhead(subscription(2), now)).toEqual([
      periodAt(anchor, 'monthly', 0),
      periodAt(anchor, 'monthly', 1),
    ]);
  });

  it('is empty for a subscription not delivered yet', () => {
    expect(paidPeriodsAhead({ ...subscription(1), anchorAt: null, paidPeriods: 0 }, new Date())).toEqual([]);
  });
});
