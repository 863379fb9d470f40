import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** The customer asked for an action on the order's service (a reboot, say): news in the order's history. */
@Controller()
export class ServiceActionRequestedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('service.action_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'service.action_requested'>,
    @Ctx() ctx: EventContext<'service.action_requested'>,
  ) {
    const { actionId, serviceId, action } = data;
    await this.progress.note(ctx, data.orderId, 'action', {
      outcome: 'requested',
      actionId,
      serviceId,
      action,
    });
  }
}
