export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Delay before attempt n + 1 after n failed attempts: initialMs, then doubling with each failure, capped at maxMs. */
export function exponentialBackoffMs(failedAttempts: number, { initialMs, maxMs }: Backoff): number {
  const doublings = Math.max(0, failedAttempts - 1);
  // 2 ** 1100 is Infinity; Math.min copes, but stop doubling long before the cap is that far away.
  return Math.min(initialMs * 2 ** Math.min(doublings, 60), maxMs);
}
