import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { AppConfig, DuePoller } from '@app/platform';
import { BuildRunnerService } from './build-runner.service.js';

const POLL_INTERVAL_MS = 100;
/** NOTIFYed by a trigger on provisioning.build_job inserts, i.e. at the commit that enqueued a job. */
const CHANNEL = 'platforma_provisioning_build_job';
const RECONNECT_MS = 5_000;
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
  private listener?: pg.Client;
  private connecting?: Promise<void>;
  private nextConnectAt = 0;
  private listening = false;

  constructor(
    private readonly runner: BuildRunnerService,
    private readonly config: AppConfig,
  ) {
    super({ work: 'build step', intervalMs: POLL_INTERVAL_MS, concurrency: LANES });
  }

  protected runDue(): Promise<boolean> {
    this.listen();
    return this.runner.runDueJob();
  }

  override onApplicationBootstrap(): void {
    this.listening = true;
    super.onApplicationBootstrap();
  }

  /** Lets the steps in flight commit, then stops: the next process resumes from the recorded step. */
  override async onModuleDestroy(): Promise<void> {
    this.listening = false;
    await super.onModuleDestroy();
    await this.connecting;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private listen(): void {
    if (!this.listening || this.listener || this.connecting || Date.now() < this.nextConnectAt) {
      return;
    }
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'platforma-provisioning-builds',
    });
    client.on('notification', () => this.kick());
    client.on('error', (error) => {
      // Polling carries on meanwhile; a poll after RECONNECT_MS listens again.
      this.warn(`build job LISTEN connection lost: ${error.message}`);
      if (this.listener === client) {
        this.listener = undefined;
      }
      this.nextConnectAt = Date.now() + RECONNECT_MS;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.warn(`cannot LISTEN for build jobs, polling only: ${(error as Error).message}`);
      this.nextConnectAt = Date.now() + RECONNECT_MS;
      await client.end().catch(() => undefined);
      return;
    }
    if (this.listening) {
      this.listener = client;
    } else {
      await client.end().catch(() => undefined);
    }
  }
}
