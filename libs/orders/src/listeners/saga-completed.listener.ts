import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgressService } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** The saga accepted the VPS: the order is complete (order.completed). */
@Controller()
export class SagaCompletedListener {
  constructor(private readonly progress: OrderProgressService) {}

  @OnEvent('saga.completed', ORDERS)
  async handle(
    @Payload() data: EventData<'saga.completed'>,
    @Ctx() ctx: EventContext<'saga.completed'>,
  ): Promise<void> {
    await this.progress.sagaCompleted(ctx, data);
  }
}
