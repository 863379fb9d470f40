import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderNewsService } from '../order-news.service.js';
import { ORDERS } from '../orders.domain.js';

/** The customer asked for an action on the order's service (a reboot, say): news in the order's history. */
@Controller()
export class ServiceActionRequestedListener {
  constructor(private readonly news: OrderNewsService) {}

  @OnEvent('service.action_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'service.action_requested'>,
    @Ctx() ctx: EventContext<'service.action_requested'>,
  ): Promise<void> {
    await this.news.actionRequested(ctx, data);
  }
}
