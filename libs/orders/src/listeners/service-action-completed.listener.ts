import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderNewsService } from '../order-news.service.js';
import { ORDERS } from '../orders.domain.js';

/** An action on the order's service was carried out; after a reinstall, new credentials wait to be revealed. */
@Controller()
export class ServiceActionCompletedListener {
  constructor(private readonly news: OrderNewsService) {}

  @OnEvent('service.action_completed', ORDERS)
  async handle(
    @Payload() data: EventData<'service.action_completed'>,
    @Ctx() ctx: EventContext<'service.action_completed'>,
  ): Promise<void> {
    await this.news.actionCompleted(ctx, data);
  }
}
