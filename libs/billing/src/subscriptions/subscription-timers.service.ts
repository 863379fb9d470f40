import { Injectable } from '@nestjs/common';
import { OutboxService } from '@app/messaging';
import { Clock, DuePoller } from '@app/platform';
import { DunningService, POSTPONE } from './dunning.service.js';
import { SubscriptionRepository } from './subscription.repository.js';

const POLL_MS = 250;
/** How long a timer waits when a payment holds the invoice it is about. */
const RETRY_BUSY_MS = 1_000;
/** How long a timer whose firing failed waits before it is tried again, so it does not hold up the others. */
const RETRY_FAILED_MS = 60_000;

/**
 * Fires due subscription timers (renewal, reminders, suspension, termination) from the database, by this process's
 * clock, so restarts lose none. Each fire is one transaction: claim (skipping rows another process holds), act,
 * mark fired.
 */
@Injectable()
export class SubscriptionTimersService extends DuePoller {
  constructor(
    private readonly outbox: OutboxService,
    private readonly subscriptions: SubscriptionRepository,
    private readonly dunning: DunningService,
    private readonly clock: Clock,
  ) {
    super({ work: 'subscription timer', intervalMs: POLL_MS });
  }

  protected runDue(): Promise<boolean> {
    return this.fireDue();
  }

  /** Fires the most overdue timer; false when none is due. Safe to call from anywhere, any number of times at once. */
  async fireDue(): Promise<boolean> {
    const now = this.clock.now();
    let claimedId: string | undefined;
    try {
      return await this.fire(now, (id) => (claimedId = id));
    } catch (error) {
      // Rolled back; the timer would be the most overdue again at once and block every other one behind it.
      if (claimedId) {
        const until = new Date(now.getTime() + RETRY_FAILED_MS);
        await this.subscriptions.deferAfterError(claimedId, until, (error as Error).message);
      }
      throw error;
    }
  }

  private fire(now: Date, claimed: (timerId: string) => void): Promise<boolean> {
    return this.outbox.transaction(async (uow) => {
      const due = await this.subscriptions.claimDue(uow.manager, now);
      if (!due) {
        return false;
      }
      const { timer, subscription } = due;
      claimed(timer.id);
      const tx = this.outbox.unitOfWork(uow.manager, {
        tenantId: subscription.tenantId,
        correlationId: subscription.id,
      });
      const outcome = await this.dunning.fire(tx, subscription, timer);
      if (outcome === POSTPONE) {
        await this.subscriptions.postpone(uow.manager, timer, new Date(now.getTime() + RETRY_BUSY_MS));
      } else {
        await this.subscriptions.finish(uow.manager, timer, outcome, now);
      }
      return true;
    });
  }
}
