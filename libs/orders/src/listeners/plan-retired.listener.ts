import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { PlanView } from '../entities/plan-view.entity.js';
import { ORDERS } from '../orders.domain.js';

@Controller()
export class PlanRetiredListener {
  @OnEvent('catalog.plan.retired', ORDERS)
  async handle(
    @Payload() data: EventData<'catalog.plan.retired'>,
    @Ctx() ctx: EventContext<'catalog.plan.retired'>,
  ): Promise<void> {
    await ctx.manager.update(
      PlanView,
      { planId: data.planId },
      { status: 'retired', updatedAt: new Date(ctx.envelope.time) },
    );
  }
}
