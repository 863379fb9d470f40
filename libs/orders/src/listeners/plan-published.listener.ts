import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderAdmissionService } from '../order-admission.service.js';
import { ORDERS } from '../orders.domain.js';

/** Orders learns plans from the catalog's events only; a later revision replaces the earlier one. */
@Controller()
export class PlanPublishedListener {
  constructor(private readonly admission: OrderAdmissionService) {}

  @OnEvent('catalog.plan.published', ORDERS)
  async handle(
    @Payload() data: EventData<'catalog.plan.published'>,
    @Ctx() ctx: EventContext<'catalog.plan.published'>,
  ): Promise<void> {
    await this.admission.planPublished(ctx, data);
  }
}
