import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** An action on the order's service was carried out; after a reinstall, new credentials wait to be revealed. */
@Controller()
export class ServiceActionCompletedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('service.action_completed', ORDERS)
  async handle(
    @Payload() data: EventData<'service.action_completed'>,
    @Ctx() ctx: EventContext<'service.action_completed'>,
  ) {
    const { actionId, serviceId, action } = data;
    await this.progress.note(ctx, data.orderId, 'action', {
      outcome: 'completed',
      actionId,
      serviceId,
      action,
      credentialsRenewed: data.credentialsSecretId !== null,
    });
  }
}
