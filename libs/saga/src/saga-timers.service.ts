import { Injectable } from '@nestjs/common';
import { DuePoller } from '@app/platform';
import { OrderSagaService } from './order-saga.service.js';

const POLL_MS = 250;

/** Fires due saga timers (payment window, provisioning deadline, retries) from the database, so restarts lose none. */
@Injectable()
export class SagaTimersService extends DuePoller {
  constructor(private readonly saga: OrderSagaService) {
    super({ work: 'saga timer', intervalMs: POLL_MS });
  }

  protected runDue(): Promise<boolean> {
    return this.saga.fireDueTimer();
  }
}
