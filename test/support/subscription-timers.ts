import type { DataSource } from 'typeorm';
import type { SubscriptionTimersService } from '@app/billing';
import type { TestClock } from '@app/platform';
import { waitFor } from './processes.js';

/**
 * Fires every timer of these subscriptions due by the test clock, here and through the app's own poller, and
 * waits until none is pending any more.
 */
export function settleDueTimers(
  timers: SubscriptionTimersService,
  db: DataSource,
  clock: TestClock,
  subscriptionIds: string[],
): Promise<true> {
  return waitFor(async () => {
    while (await timers.fireDue()) {
      // fire everything due
    }
    const rows: { n: string }[] = await db.query(
      `SELECT count(*) AS n FROM billing.subscription_timer
       WHERE subscription_id = ANY($1::uuid[]) AND status = 'pending' AND due_at <= $2`,
      [subscriptionIds, clock.now()],
    );
    return Number(rows[0]?.n) === 0 ? true : undefined;
  }, `the due timers of ${subscriptionIds.length} subscription(s)`);
}
