import { Injectable } from '@nestjs/common';
import { AppConfig, type DueRun, DuePoller } from '@app/platform';
import { DeliveryRunnerService } from './delivery-runner.service.js';

/** Sends the email notifications of this process, MAIL_CONCURRENCY at a time, polling every 200 ms. */
@Injectable()
export class DeliveryPollerService extends DuePoller {
  constructor(
    private readonly runner: DeliveryRunnerService,
    config: AppConfig,
  ) {
    super({ work: 'notification delivery', intervalMs: 200, concurrency: config.MAIL_CONCURRENCY });
  }

  protected runDue(): Promise<DueRun> {
    return this.runner.runDue();
  }
}
