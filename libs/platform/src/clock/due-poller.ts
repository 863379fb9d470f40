import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

const WARN_EVERY_MS = 10_000;

/**
 * What one runDue did: false when nothing was due, true when it ran a row, 'drained' when it ran a row and its
 * claim saw no other row due (a hint, read in the claim's own query). After 'drained' the drain ends instead of
 * asking once more and bringing another lane along, each of which would find nothing: two empty claims per job.
 */
export type DueRun = boolean | 'drained';

export interface DuePollerOptions {
  /** Named in the warnings, e.g. "notification delivery". */
  work: string;
  intervalMs: number;
  /** Drains running at once in this process, 1 unless given; each takes one due row per transaction or claim. */
  concurrency?: number;
}

/**
 * The one loop behind every durable timer and job table (rows with a due time): every intervalMs, when idle, a
 * drain runs due work (runDue: one row per transaction or claim, false when none is due) until none is left. A
 * drain that found work and more due lets another one join, up to the concurrency, so a backlog is worked on in
 * parallel while an idle process polls with a single query. Correctness lives in runDue's claim (row locks that
 * skip locked rows, state checks in the same transaction), not here: other processes, or a test running the work
 * itself, may run side by side.
 *
 * It stops at onModuleDestroy: Nest runs every module's onModuleDestroy before any onApplicationShutdown, and the
 * DataSource (TypeOrmModule) and the Kafka producer close in onApplicationShutdown, so the run in flight commits
 * on an open database. Stopping in onApplicationShutdown instead would race the DataSource's own hook.
 */
export abstract class DuePoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly concurrency: number;
  private active = false;
  private timer?: NodeJS.Timeout;
  private readonly drains = new Set<Promise<void>>();
  /** A kick came while every lane was busy: a row may have become due after the running claims looked. */
  private kickMissed = false;
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  protected constructor(private readonly options: DuePollerOptions) {
    this.logger = new Logger(new.target.name);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** Runs the most overdue job; false when none is due, 'drained' when it saw no other due. */
  protected abstract runDue(): Promise<DueRun>;

  /** Called when shutdown begins, before the drains in flight are awaited. */
  protected stopping(): void {}

  onApplicationBootstrap(): void {
    this.active = true;
    this.timer = setInterval(() => {
      if (this.drains.size === 0) {
        this.kick();
      }
    }, this.options.intervalMs);
    this.kick();
  }

  /** Lets the jobs in flight record their outcome, then stops. */
  async onModuleDestroy(): Promise<void> {
    this.active = false;
    clearInterval(this.timer);
    this.stopping();
    await Promise.all(this.drains);
  }

  /** Starts a drain unless `concurrency` are running; an idle process's poll is one such kick. */
  protected kick(): void {
    if (!this.active) {
      return;
    }
    if (this.drains.size >= this.concurrency) {
      this.kickMissed = true;
      return;
    }
    const drain: Promise<void> = this.drain().finally(() => this.drains.delete(drain));
    this.drains.add(drain);
  }

  private async drain(): Promise<void> {
    while (this.active) {
      let ran: DueRun;
      // A claim that starts now sees every row committed before it (a row's wake-up comes after its commit).
      this.kickMissed = false;
      try {
        ran = await this.runDue();
      } catch (error) {
        this.warn(`${this.options.work} failed, retrying on the next poll: ${(error as Error).message}`);
        return;
      }
      if (ran === true) {
        this.kick();
      } else if (!this.kickMissed) {
        return;
      }
      // Otherwise a row enqueued since this claim looked woke no lane (every lane was busy): look once more.
    }
  }

  /** A database outage would otherwise log a warning per poll. */
  protected warn(message: string): void {
    if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      this.logger.warn(message);
    }
  }
}
