import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';

/** Plan prices and resources, for plan changes: the new price and what to resize to. */
@Controller()
export class PlanPublishedListener {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @OnEvent('catalog.plan.published', BILLING)
  async handle(
    @Payload() data: EventData<'catalog.plan.published'>,
    @Ctx() ctx: EventContext<'catalog.plan.published'>,
  ): Promise<void> {
    await this.subscriptions.planPublished(ctx, data);
  }
}
