import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '@app/platform';
import { BuildRunner } from './build-runner.service.js';

const POLL_INTERVAL_MS = 100;
/** NOTIFYed by a trigger on provisioning.build_job inserts, i.e. at the commit that enqueued a job. */
const CHANNEL = 'platforma_provisioning_build_job';
const RECONNECT_MS = 5_000;
const WARN_EVERY_MS = 10_000;
/** Jobs one process advances side by side: a step is mostly waiting for the database or the hypervisor. */
const LANES = 8;

/**
 * Drives the build jobs of this process: every POLL_INTERVAL_MS, and at once when a job is enqueued anywhere
 * (LISTEN/NOTIFY). One drain at a time per process is enough because a step never blocks (a driver answers pending
 * while its hypervisor works); other processes run other jobs side by side, as claims skip locked rows.
 */
@Injectable()
export class BuildPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BuildPoller.name);
  private active = false;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private kickedWhileDraining = false;
  private listener?: pg.Client;
  private connecting?: Promise<void>;
  private nextConnectAt = 0;
  private lastWarnAt = 0;

  constructor(
    private readonly runner: BuildRunner,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.active = true;
    this.timer = setInterval(() => {
      this.listen();
      this.kick();
    }, POLL_INTERVAL_MS);
    this.listen();
    this.kick();
  }

  /** Lets the step in flight commit, then stops: the next process resumes from the recorded step. */
  async onModuleDestroy(): Promise<void> {
    this.active = false;
    clearInterval(this.timer);
    await this.connecting;
    await this.draining;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Runs due jobs now; a kick during a drain earns another drain after it, so no wake-up is lost. */
  kick(): void {
    if (!this.active) {
      return;
    }
    if (this.draining) {
      this.kickedWhileDraining = true;
      return;
    }
    const lanes = Array.from({ length: LANES }, () => this.drain());
    this.draining = Promise.all(lanes)
      .then(() => undefined)
      .finally(() => {
        this.draining = undefined;
        if (this.kickedWhileDraining) {
          this.kickedWhileDraining = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    while (this.active) {
      try {
        if (!(await this.runner.runDueJob())) {
          return;
        }
      } catch (error) {
        this.warn(`build step failed, retrying on the next poll: ${(error as Error).message}`);
        return;
      }
    }
  }

  private listen(): void {
    if (!this.active || this.listener || this.connecting || Date.now() < this.nextConnectAt) {
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
      // Polling carries on meanwhile; the next poll after RECONNECT_MS listens again.
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
    if (this.active) {
      this.listener = client;
    } else {
      await client.end().catch(() => undefined);
    }
  }

  /** A database outage would otherwise log ten warnings a second. */
  private warn(message: string): void {
    if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      this.logger.warn(message);
    }
  }
}
