import type { Period } from './billing-period.js';

/**
 * The share of `amountMinor` (a price per period) that falls on the time from `from` to the end of the paid
 * periods, in minor units, rounded half up once at the end (like tax). Each period is weighted by its own length, so
 * a day of February is worth more than a day of March, and a period paid ahead counts in full. Exact: BigInt
 * arithmetic on milliseconds, as amount × milliseconds passes 2^53.
 */
export function prorate(amountMinor: number, from: Date, periods: readonly Period[]): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new RangeError(`amountMinor must be a non-negative integer, got ${amountMinor}`);
  }
  let numerator = 0n;
  let denominator = 1n;
  const t = BigInt(from.getTime());
  for (const period of periods) {
    const start = BigInt(period.start.getTime());
    const end = BigInt(period.end.getTime());
    if (end <= start) {
      throw new RangeError('a period must end after it starts');
    }
    const overlap = end - (t > start ? t : start);
    if (overlap <= 0n) {
      continue;
    }
    // a/b + c/d = (a·d + c·b) / (b·d)
    const length = end - start;
    numerator = numerator * length + overlap * denominator;
    denominator = denominator * length;
  }
  const scaled = BigInt(amountMinor) * numerator;
  return Number((2n * scaled + denominator) / (2n * denominator));
}
