import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';

/** The service is delivered: its subscription starts its first period and schedules the renewal. */
@Controller()
export class OrderCompletedListener {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @OnEvent('order.completed', BILLING)
  async handle(
    @Payload() data: EventData<'order.completed'>,
    @Ctx() ctx: EventContext<'order.completed'>,
  ): Promise<void> {
    await this.subscriptions.orderCompleted(ctx, ctx.tenantId, data);
  }
}
