import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeliveryRunner } from './delivery-runner.service.js';

const POLL_INTERVAL_MS = 200;
const WARN_EVERY_MS = 10_000;

/**
 * Drives the deliveries of this process every POLL_INTERVAL_MS, one drain at a time; other processes send other
 * notifications side by side, as claims skip locked rows.
 */
@Injectable()
export class DeliveryPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryPoller.name);
  private active = false;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private lastWarnAt = 0;

  constructor(private readonly runner: DeliveryRunner) {}

  onApplicationBootstrap(): void {
    this.active = true;
    this.timer = setInterval(() => this.kick(), POLL_INTERVAL_MS);
    this.kick();
  }

  /** Lets the delivery in flight commit, then stops. */
  async onModuleDestroy(): Promise<void> {
    this.active = false;
    clearInterval(this.timer);
    await this.draining;
  }

  private kick(): void {
    if (!this.active || this.draining) {
      return;
    }
    this.draining = this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    while (this.active) {
      try {
        if (!(await this.runner.runDue())) {
          return;
        }
      } catch (error) {
        this.warn(`notification delivery failed, retrying on the next poll: ${(error as Error).message}`);
        return;
      }
    }
  }

  /** A database outage would otherwise log five warnings a second. */
  private warn(message: string): void {
    if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      this.logger.warn(message);
    }
  }
}
