import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/**
 * The saga gave up on the order (after undoing payment and provisioning). An order the customer already cancelled
 * is acknowledged again so the saga can finish.
 */
@Controller()
export class CancelRequestedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('order.cancel_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'order.cancel_requested'>,
    @Ctx() ctx: EventContext<'order.cancel_requested'>,
  ) {
    const moved = await this.progress.apply(ctx, data.orderId, 'cancel', data.reason);
    if (moved || (await this.progress.hasStatus(ctx, data.orderId, 'cancelled'))) {
      await ctx.publish(
        'order.cancelled',
        { orderId: data.orderId, reason: data.reason },
        { subject: data.orderId },
      );
    }
  }
}
