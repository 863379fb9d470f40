import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** The VPS runs: the order is complete and names its service. */
@Controller()
export class ProvisioningCompletedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('provisioning.completed', ORDERS)
  async handle(
    @Payload() data: EventData<'provisioning.completed'>,
    @Ctx() ctx: EventContext<'provisioning.completed'>,
  ) {
    const moved = await this.progress.apply(ctx, data.orderId, 'provisioning.completed');
    if (moved) {
      await this.progress.setService(ctx, data.orderId, data.serviceId);
      await ctx.publish(
        'order.completed',
        { orderId: data.orderId, serviceId: data.serviceId },
        { subject: data.orderId },
      );
    }
  }
}
