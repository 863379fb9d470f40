import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderNewsService } from '../order-news.service.js';
import { ORDERS } from '../orders.domain.js';

/** An action on the order's service was not carried out; the customer sees why. */
@Controller()
export class ServiceActionFailedListener {
  constructor(private readonly news: OrderNewsService) {}

  @OnEvent('service.action_failed', ORDERS)
  async handle(
    @Payload() data: EventData<'service.action_failed'>,
    @Ctx() ctx: EventContext<'service.action_failed'>,
  ): Promise<void> {
    await this.news.actionFailed(ctx, data);
  }
}
