import { DunningConfigError, DunningPolicy } from './dunning.policy.js';

const DAY = 86_400_000;
const due = new Date('2026-05-01T00:00:00Z');
const days = (d: Date) => (d.getTime() - due.getTime()) / DAY;

describe(DunningPolicy.name, () => {
  const policy = DunningPolicy.from({
    RENEWAL_LEAD_DAYS: 7,
    dunningReminderDays: [5, 1, 3, 3],
    SUSPEND_AFTER_DAYS: 7,
    TERMINATE_AFTER_DAYS: 30,
  });

  it('invoices a renewal RENEWAL_LEAD_DAYS before the period starts', () => {
    expect(days(policy.renewalAt(due))).toBe(-7);
  });

  it('schedules each reminder once, then suspension, then termination, in firing order', () => {
    expect(policy.afterDue(due).map((t) => [t.kind, t.step, days(t.dueAt)])).toEqual([
      ['reminder', 1, 1],
      ['reminder', 3, 3],
      ['reminder', 5, 5],
      ['suspension', 0, 7],
      ['termination', 0, 30],
    ]);
  });

  it('keeps reminders after suspension (the customer can still pay) but none from termination day on', () => {
    const late = new DunningPolicy(0, [2, 10, 30, 45], 7, 30);
    expect(late.afterDue(due).map((t) => `${t.kind}@${days(t.dueAt)}`)).toEqual([
      'reminder@2',
      'suspension@7',
      'reminder@10',
      'termination@30',
    ]);
  });

  it('allows no reminders at all', () => {
    expect(new DunningPolicy(7, [], 0, 1).afterDue(due).map((t) => t.kind)).toEqual([
      'suspension',
      'termination',
    ]);
  });

  it('refuses termination before or with suspension', () => {
    expect(() => new DunningPolicy(7, [1], 7, 7)).toThrow(DunningConfigError);
    expect(() => new DunningPolicy(7, [1], 7, 7)).toThrow(/TERMINATE_AFTER_DAYS \(7\) must be more/);
  });
});
