import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgressService } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** The saga gave up on the order: it is cancelled (order.cancelled), once. */
@Controller()
export class CancelRequestedListener {
  constructor(private readonly progress: OrderProgressService) {}

  @OnEvent('order.cancel_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'order.cancel_requested'>,
    @Ctx() ctx: EventContext<'order.cancel_requested'>,
  ): Promise<void> {
    await this.progress.cancelRequested(ctx, data);
  }
}
