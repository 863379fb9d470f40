import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderAdmissionService } from '../order-admission.service.js';
import { ORDERS } from '../orders.domain.js';

/** A retired plan takes no new orders; orders placed on it go on. */
@Controller()
export class PlanRetiredListener {
  constructor(private readonly admission: OrderAdmissionService) {}

  @OnEvent('catalog.plan.retired', ORDERS)
  async handle(
    @Payload() data: EventData<'catalog.plan.retired'>,
    @Ctx() ctx: EventContext<'catalog.plan.retired'>,
  ): Promise<void> {
    await this.admission.planRetired(ctx, data);
  }
}
