import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';

/** A retired plan is no longer a plan-change target; services on it keep running and renewing. */
@Controller()
export class PlanRetiredListener {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @OnEvent('catalog.plan.retired', BILLING)
  async handle(
    @Payload() data: EventData<'catalog.plan.retired'>,
    @Ctx() ctx: EventContext<'catalog.plan.retired'>,
  ): Promise<void> {
    await this.subscriptions.planRetired(ctx, data.planId);
  }
}
