import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

const WARN_EVERY_MS = 10_000;
/** Timers fired per drain before the loop yields to the next tick, so a backlog cannot starve shutdown. */
const MAX_PER_DRAIN = 100;

/**
 * The loop behind durable database timers: every intervalMs, one drain fires due timers (fireDue: one timer per
 * transaction, false when none is due) until none is left. Correctness lives in fireDue's claim (row locks that
 * skip locked rows, state checks in the same transaction), not here: several processes, or a test calling
 * fireDue itself, may fire side by side.
 */
export abstract class TimerPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private interval?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private lastWarnAt = 0;

  protected constructor(
    private readonly work: string,
    private readonly intervalMs: number,
  ) {
    this.logger = new Logger(new.target.name);
  }

  /** Fires the most overdue timer; false when none is due. */
  abstract fireDue(): Promise<boolean>;

  onApplicationBootstrap(): void {
    this.interval = setInterval(() => {
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    }, this.intervalMs);
  }

  /** Stops before shutdown closes the database, letting the fire in flight commit. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.interval);
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let fired = 0; fired < MAX_PER_DRAIN && (await this.fireDue()); fired++) {
        // keep firing while timers are due
      }
    } catch (error) {
      // A database outage would otherwise log a warning per poll.
      if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
        this.lastWarnAt = Date.now();
        this.logger.warn(`${this.work} failed, retrying on the next poll: ${(error as Error).message}`);
      }
    }
  }
}
