import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { SAGA } from '../saga.domain.js';
import { SagaViewsRepository } from '../saga-views.repository.js';

/** The resources a plan's VPS gets, so provisioning requests carry everything and nobody calls the catalog. */
@Controller()
export class PlanPublishedListener {
  constructor(private readonly views: SagaViewsRepository) {}

  @OnEvent('catalog.plan.published', SAGA)
  handle(
    @Payload() data: EventData<'catalog.plan.published'>,
    @Ctx() ctx: EventContext<'catalog.plan.published'>,
  ): Promise<void> {
    return this.views.upsertPlan(ctx.manager, data);
  }
}
