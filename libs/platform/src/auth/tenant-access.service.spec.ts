import { TenantAccessView } from './tenant-access.service.js';

const HOUR = 3_600_000;
const T = 'tenant-a';

describe(TenantAccessView.name, () => {
  const now = 10 * HOUR;

  it('refuses while suspended, then revokes only the tokens issued before the suspension', () => {
    const view = new TenantAccessView(HOUR);
    view.apply({ type: 'account.suspended', time: now - 1_000, tenantId: T }, now);
    expect(view.decide(T, now - 5_000)).toBe('suspended');
    view.apply({ type: 'account.unsuspended', time: now - 500, tenantId: T }, now);
    expect(view.decide(T, now - 5_000)).toBe('revoked');
    expect(view.decide(T, now - 400)).toBe('allowed');
    expect(view.decide('other', 0)).toBe('allowed');
  });

  it('ends in the latest event’s state whatever order the two topics deliver in', () => {
    const events = [
      { type: 'account.suspended' as const, time: now - 3_000, tenantId: T },
      { type: 'account.unsuspended' as const, time: now - 2_000, tenantId: T },
      { type: 'account.suspended' as const, time: now - 1_000, tenantId: T },
    ];
    for (const order of [events, [...events].reverse(), [events[1], events[2], events[0]]]) {
      const view = new TenantAccessView(HOUR);
      order.forEach((e) => e && view.apply(e, now));
      expect(view.decide(T, now)).toBe('suspended');
    }
  });

  it('forgets what no live token can be affected by', () => {
    const view = new TenantAccessView(HOUR);
    view.apply({ type: 'account.suspended', time: now - 2 * HOUR, tenantId: T }, now);
    expect(view.size).toBe(0);
    view.apply({ type: 'account.suspended', time: now - 1_000, tenantId: T }, now);
    view.prune(now + 2 * HOUR);
    expect(view.size).toBe(0);
  });
});
