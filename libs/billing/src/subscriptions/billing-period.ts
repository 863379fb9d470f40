import type { BillingCycle } from '../entities/subscription.entity.js';

export interface Period {
  start: Date;
  end: Date;
}

const CYCLE_MONTHS: Record<BillingCycle, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/**
 * The anchor moved by whole months in UTC, keeping its time of day; the day is clamped to the target month's last
 * day (Jan 31 + 1 month = Feb 28 or 29). Always computed from the anchor, never from the previous period's end, so a
 * clamped February does not pull every later period to the 28th.
 */
export function addMonths(anchor: Date, months: number): Date {
  const target = new Date(anchor.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(anchor.getUTCDate(), lastDay));
  return target;
}

/** Period `index` (0 = the one the order paid for) of a subscription anchored at `anchor`. */
export function periodAt(anchor: Date, cycle: BillingCycle, index: number): Period {
  const months = CYCLE_MONTHS[cycle];
  return { start: addMonths(anchor, index * months), end: addMonths(anchor, (index + 1) * months) };
}

/** Canonical text of a period start, as used in idempotency keys: the same instant always gives the same key. */
export function periodKey(start: Date): string {
  return start.toISOString();
}

/** An invoice's idempotency key for the renewal of one service for one period. */
export function renewalKey(serviceId: string, periodStart: Date): string {
  return `renewal:${serviceId}:${periodKey(periodStart)}`;
}
