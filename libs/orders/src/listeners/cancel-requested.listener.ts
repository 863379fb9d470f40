import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/**
 * The saga gave up on the order (after undoing payment and provisioning). order.cancelled is a once-only fact: it is
 * published when the order moves to cancelled, here or by the customer's cancel, never again. An order the customer
 * already cancelled needs no answer: the saga takes that cancellation as its acknowledgement.
 */
@Controller()
export class CancelRequestedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('order.cancel_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'order.cancel_requested'>,
    @Ctx() ctx: EventContext<'order.cancel_requested'>,
  ) {
    if (await this.progress.apply(ctx, data.orderId, 'cancel', data.reason)) {
      await ctx.publish(
        'order.cancelled',
        { orderId: data.orderId, reason: data.reason },
        { subject: data.orderId },
      );
    }
  }
}
