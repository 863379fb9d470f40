import { Injectable } from '@nestjs/common';
import { AppConfig, DuePoller } from '@app/platform';
import { WebhookDeliveryRunnerService } from './webhook-delivery-runner.service.js';

/** Sends this environment's webhook deliveries, WEBHOOK_CONCURRENCY at a time, polling every 200 ms. */
@Injectable()
export class WebhookDeliveryPollerService extends DuePoller {
  constructor(
    private readonly runner: WebhookDeliveryRunnerService,
    config: AppConfig,
  ) {
    super({ work: 'webhook delivery', intervalMs: 200, concurrency: config.WEBHOOK_CONCURRENCY });
  }

  protected runDue(): Promise<boolean> {
    return this.runner.runDue();
  }

  protected override stopping(): void {
    this.runner.interrupt();
  }
}
