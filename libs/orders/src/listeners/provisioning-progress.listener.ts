import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** A build step of the order's VPS, for the customer's progress bar. */
@Controller()
export class ProvisioningProgressListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('provisioning.progress', ORDERS)
  async handle(
    @Payload() data: EventData<'provisioning.progress'>,
    @Ctx() ctx: EventContext<'provisioning.progress'>,
  ) {
    await this.progress.note(ctx, data.orderId, 'progress', { step: data.step, percent: data.percent });
  }
}
