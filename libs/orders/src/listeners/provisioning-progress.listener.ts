import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderNewsService } from '../order-news.service.js';
import { ORDERS } from '../orders.domain.js';

/** A build step of the order's VPS, for the customer's progress bar. */
@Controller()
export class ProvisioningProgressListener {
  constructor(private readonly news: OrderNewsService) {}

  @OnEvent('provisioning.progress', ORDERS)
  async handle(
    @Payload() data: EventData<'provisioning.progress'>,
    @Ctx() ctx: EventContext<'provisioning.progress'>,
  ): Promise<void> {
    await this.news.provisioningProgress(ctx, data);
  }
}
