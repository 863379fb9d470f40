import { periodAt } from './billing-period.js';
import { prorate } from './proration.js';

const DAY = 86_400_000;
const april = periodAt(new Date('2026-04-01T00:00:00Z'), 'monthly', 0); // 30 days
const at = (day: number) => new Date(april.start.getTime() + day * DAY);

describe(prorate.name, () => {
  it('charges the share of the period still ahead', () => {
    expect(prorate(3000, at(0), [april])).toBe(3000);
    expect(prorate(3000, at(10), [april])).toBe(2000);
    expect(prorate(3000, at(29), [april])).toBe(100);
    expect(prorate(3000, at(30), [april])).toBe(0);
    expect(prorate(3000, at(45), [april])).toBe(0);
  });

  it('rounds half up once, at the end', () => {
    // 1000 × 15/30 = 500 exactly; 1001 × 15/30 = 500.5 → 501; 1001 × 1/30 = 33.37 → 33; 1 × 14/30 = 0.47 → 0
    expect(prorate(1000, at(15), [april])).toBe(500);
    expect(prorate(1001, at(15), [april])).toBe(501);
    expect(prorate(1001, at(29), [april])).toBe(33);
    expect(prorate(1, at(16), [april])).toBe(0);
    expect(prorate(1, at(15), [april])).toBe(1);
  });

  it('counts a period paid ahead in full and weights each period by its own length', () => {
    const may = periodAt(new Date('2026-04-01T00:00:00Z'), 'monthly', 1); // 31 days
    // Half of April left (15/30) plus all of May: 1.5 periods.
    expect(prorate(2000, at(15), [april, may])).toBe(3000);
    // Ten days into May: 21/31 of it.
    expect(prorate(3100, new Date(may.start.getTime() + 10 * DAY), [april, may])).toBe(2100);
  });

  it('stays exact for amounts where amount × milliseconds passes 2^53', () => {
    const year = periodAt(new Date('2026-01-01T00:00:00Z'), 'yearly', 0);
    const half = new Date((year.start.getTime() + year.end.getTime()) / 2);
    expect(prorate(9_000_000_001, half, [year])).toBe(4_500_000_001); // 4 500 000 000.5 rounds up
  });

  it('refuses negative or fractional amounts and empty periods', () => {
    expect(() => prorate(-1, at(0), [april])).toThrow(RangeError);
    expect(() => prorate(1.5, at(0), [april])).toThrow(RangeError);
    expect(() => prorate(1, at(0), [{ start: april.end, end: april.start }])).toThrow(RangeError);
  });
});
