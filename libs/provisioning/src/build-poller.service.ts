import { Injectable } from '@nestjs/common';
import { NotificationListener } from '@app/database';
import { AppConfig, type DueRun, DuePoller } from '@app/platform';
import { BuildRunnerService } from './build-runner.service.js';

const POLL_INTERVAL_MS = 100;
/** NOTIFYed by a trigger on provisioning.build_job inserts, i.e. at the commit that enqueued a job. */
const CHANNEL = 'platforma_provisioning_build_job';
/** Jobs one process advances side by side: a step is mostly waiting for the database or the hypervisor. */
const LANES = 8;

/**
 * Drives the build jobs of this process: a poll every POLL_INTERVAL_MS while idle, and a drain at once when a job
 * is enqueued anywhere (LISTEN/NOTIFY). A drain that claimed a job lets another join, up to LANES, so a backlog is
 * worked on in parallel while an idle process polls with one query. A step never blocks (a driver answers pending
 * while its hypervisor works); other processes run other jobs side by side, as claims skip locked rows.
 */
@Injectable()
export class BuildPollerService extends DuePoller {
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly runner: BuildRunnerService,
    private readonly config: AppConfig,
  ) {
    super({ work: 'build step', intervalMs: POLL_INTERVAL_MS, concurrency: LANES });
  }

  protected runDue(): Promise<DueRun> {
    return this.runner.runDueJob();
  }

  override onApplicationBootstrap(): void {
    // The process's one LISTEN session; polling carries on whenever it is away.
    this.unlisten ??= NotificationListener.of(this.config.DATABASE_URL).subscribe(CHANNEL, () => this.kick());
    super.onApplicationBootstrap();
  }

  /** Lets the steps in flight commit, then stops: the next process resumes from the recorded step. */
  override async onModuleDestroy(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await super.onModuleDestroy();
    await unlisten?.();
  }
}
