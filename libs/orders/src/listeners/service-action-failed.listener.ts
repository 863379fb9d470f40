import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** An action on the order's service was not carried out; the customer sees why. */
@Controller()
export class ServiceActionFailedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('service.action_failed', ORDERS)
  async handle(
    @Payload() data: EventData<'service.action_failed'>,
    @Ctx() ctx: EventContext<'service.action_failed'>,
  ) {
    const { actionId, serviceId, action, reason, message } = data;
    await this.progress.note(ctx, data.orderId, 'action', {
      outcome: 'failed',
      actionId,
      serviceId,
      action,
      reason,
      message,
    });
  }
}
