import { addMonths, periodAt, renewalKey } from './billing-period.js';

const utc = (iso: string) => new Date(iso);

describe(addMonths.name, () => {
  it('keeps day and time of day, in UTC', () => {
    expect(addMonths(utc('2026-03-15T10:20:30.400Z'), 1).toISOString()).toBe('2026-04-15T10:20:30.400Z');
    expect(addMonths(utc('2026-11-30T23:59:59.999Z'), 3).toISOString()).toBe('2027-02-28T23:59:59.999Z');
    expect(addMonths(utc('2026-05-01T00:00:00.000Z'), 12).toISOString()).toBe('2027-05-01T00:00:00.000Z');
  });

  it('clamps the 29th to 31st to the last day of a shorter month', () => {
    expect(addMonths(utc('2026-01-31T12:00:00Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(addMonths(utc('2028-01-31T12:00:00Z'), 1).toISOString()).toBe('2028-02-29T12:00:00.000Z');
    expect(addMonths(utc('2026-03-31T12:00:00Z'), 1).toISOString()).toBe('2026-04-30T12:00:00.000Z');
    expect(addMonths(utc('2028-02-29T12:00:00Z'), 12).toISOString()).toBe('2029-02-28T12:00:00.000Z');
  });
});

describe(periodAt.name, () => {
  it('counts whole cycles from the anchor, so a short month does not drag later periods', () => {
    const anchor = utc('2026-01-31T08:00:00Z');
    const months = [0, 1, 2, 3].map((i) => periodAt(anchor, 'monthly', i));
    expect(months.map((p) => p.start.toISOString().slice(0, 10))).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
    // Contiguous: each period ends where the next begins.
    for (let i = 0; i < months.length - 1; i++) {
      expect(months[i]?.end).toEqual(months[i + 1]?.start);
    }
  });

  it('knows quarterly and yearly cycles', () => {
    const anchor = utc('2026-08-31T00:00:00Z');
    expect(periodAt(anchor, 'quarterly', 1)).toEqual({
      start: utc('2026-11-30T00:00:00Z'),
      end: utc('2027-02-28T00:00:00Z'),
    });
    expect(periodAt(anchor, 'yearly', 0).end).toEqual(utc('2027-08-31T00:00:00Z'));
  });
});

describe(renewalKey.name, () => {
  it('is one key per service and period start', () => {
    const start = utc('2026-02-28T08:00:00Z');
    expect(renewalKey('s-1', start)).toBe('renewal:s-1:2026-02-28T08:00:00.000Z');
    expect(renewalKey('s-1', new Date(start.getTime()))).toBe(renewalKey('s-1', start));
    expect(renewalKey('s-2', start)).not.toBe(renewalKey('s-1', start));
  });
});
