import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent, PermanentEventError } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/**
 * The saga accepted the VPS: the order is complete and names its service. Not provisioning.completed itself: a VPS
 * that is ready after the saga gave up on it is released, and its order must stay cancellable.
 */
@Controller()
export class SagaCompletedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('saga.completed', ORDERS)
  async handle(@Payload() data: EventData<'saga.completed'>, @Ctx() ctx: EventContext<'saga.completed'>) {
    const moved = await this.progress.apply(ctx, data.orderId, 'saga.completed');
    if (!moved) {
      return;
    }
    // Instances started before saga.completed named the service: orders knows it from provisioning.started.
    const serviceId = data.serviceId ?? moved.order.serviceId;
    if (!serviceId) {
      throw new PermanentEventError(
        `saga.completed of order ${data.orderId} names no service, and orders knows none`,
      );
    }
    await this.progress.setService(ctx, data.orderId, serviceId);
    await ctx.publish('order.completed', { orderId: data.orderId, serviceId }, { subject: data.orderId });
  }
}
