import type { TimerKind } from '../entities/subscription-timer.entity.js';

const DAY_MS = 86_400_000;

export interface DunningSettings {
  RENEWAL_LEAD_DAYS: number;
  SUSPEND_AFTER_DAYS: number;
  TERMINATE_AFTER_DAYS: number;
  dunningReminderDays: number[];
}

export interface ScheduledTimer {
  kind: TimerKind;
  /** The reminder's day after the due date; 0 for the other kinds. */
  step: number;
  dueAt: Date;
}

/** Thrown at boot: the dunning variables contradict each other. */
export class DunningConfigError extends Error {
  override readonly name = 'DunningConfigError';
}

/**
 * When renewals are invoiced and what follows an unpaid one, relative to its due date (the end of the paid period):
 * a reminder on each reminder day, suspension after SUSPEND_AFTER_DAYS, termination after TERMINATE_AFTER_DAYS.
 */
export class DunningPolicy {
  readonly reminderDays: readonly number[];

  constructor(
    readonly leadDays: number,
    reminderDays: readonly number[],
    readonly suspendAfterDays: number,
    readonly terminateAfterDays: number,
  ) {
    if (terminateAfterDays <= suspendAfterDays) {
      throw new DunningConfigError(
        `TERMINATE_AFTER_DAYS (${terminateAfterDays}) must be more than SUSPEND_AFTER_DAYS (${suspendAfterDays})`,
      );
    }
    // A reminder on or after termination day could never be paid in time; one day listed twice is one reminder.
    this.reminderDays = [...new Set(reminderDays)]
      .filter((d) => d < terminateAfterDays)
      .sort((a, b) => a - b);
  }

  static from(settings: DunningSettings): DunningPolicy {
    return new DunningPolicy(
      settings.RENEWAL_LEAD_DAYS,
      settings.dunningReminderDays,
      settings.SUSPEND_AFTER_DAYS,
      settings.TERMINATE_AFTER_DAYS,
    );
  }

  /** When the renewal for the period starting at periodStart is invoiced. */
  renewalAt(periodStart: Date): Date {
    return new Date(periodStart.getTime() - this.leadDays * DAY_MS);
  }

  /** The timers an unpaid invoice due at dueAt sets, in firing order. */
  afterDue(dueAt: Date): ScheduledTimer[] {
    const at = (days: number) => new Date(dueAt.getTime() + days * DAY_MS);
    const timers: ScheduledTimer[] = [
      ...this.reminderDays.map((day) => ({ kind: 'reminder' as const, step: day, dueAt: at(day) })),
      { kind: 'suspension', step: 0, dueAt: at(this.suspendAfterDays) },
      { kind: 'termination', step: 0, dueAt: at(this.terminateAfterDays) },
    ];
    return timers.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  suspensionAt(dueAt: Date): Date {
    return new Date(dueAt.getTime() + this.suspendAfterDays * DAY_MS);
  }

  terminationAt(dueAt: Date): Date {
    return new Date(dueAt.getTime() + this.terminateAfterDays * DAY_MS);
  }
}
