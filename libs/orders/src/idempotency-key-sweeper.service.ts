import { Injectable } from '@nestjs/common';
import { AppConfig, DuePoller } from '@app/platform';
import { OrderRepository } from './order.repository.js';

const SWEEP_EVERY_MS = 3_600_000;

/** Deletes the idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS: at start-up, then every hour. */
@Injectable()
export class IdempotencyKeySweeperService extends DuePoller {
  constructor(
    private readonly orders: OrderRepository,
    private readonly config: AppConfig,
  ) {
    super({ work: 'idempotency key purge', intervalMs: SWEEP_EVERY_MS });
  }

  /** One statement purges every expired key, so nothing is left due after it. */
  protected async runDue(): Promise<boolean> {
    await this.orders.purgeKeys(this.config.IDEMPOTENCY_KEY_TTL_HOURS);
    return false;
  }
}
