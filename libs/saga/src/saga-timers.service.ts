import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OrderSagaService } from './order-saga.service.js';

const POLL_MS = 250;

/** Fires due saga timers (payment window, provisioning deadline, retries) from the database, so restarts lose none. */
@Injectable()
export class SagaTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SagaTimers.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly saga: OrderSagaService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.drain().finally(() => (this.running = undefined));
    }, POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (let fired = 0; fired < 100 && (await this.saga.fireDueTimer()); fired++) {
        // keep firing while timers are due
      }
    } catch (error) {
      this.logger.warn(`saga timer failed, retrying: ${(error as Error).message}`);
    }
  }
}
