import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { PlanView } from '../entities/plan-view.entity.js';
import { ORDERS } from '../orders.domain.js';

/** Orders learns plans from the catalog's events only; a later revision replaces the earlier one. */
@Controller()
export class PlanPublishedListener {
  @OnEvent('catalog.plan.published', ORDERS)
  async handle(
    @Payload() data: EventData<'catalog.plan.published'>,
    @Ctx() ctx: EventContext<'catalog.plan.published'>,
  ): Promise<void> {
    await ctx.manager.upsert(
      PlanView,
      {
        planId: data.planId,
        code: data.code,
        regions: data.regions,
        images: data.images ?? [],
        prices: data.prices,
        status: 'published',
        updatedAt: new Date(ctx.envelope.time),
      },
      ['planId'],
    );
  }
}
