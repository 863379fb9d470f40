import { Injectable } from '@nestjs/common';
import { DuePoller } from '@app/platform';
import { DeliveryRunner } from './delivery-runner.service.js';

/** Sends the email notifications of this process, one at a time, polling every 200 ms. */
@Injectable()
export class DeliveryPoller extends DuePoller {
  constructor(private readonly runner: DeliveryRunner) {
    super({ work: 'notification delivery', intervalMs: 200, concurrency: 1 });
  }

  protected runDue(): Promise<boolean> {
    return this.runner.runDue();
  }
}
