import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderSagaService } from '../order-saga.service.js';
import { SAGA } from '../saga.domain.js';

/** Every order starts a saga instance. */
@Controller()
export class OrderCreatedListener {
  constructor(private readonly saga: OrderSagaService) {}

  @OnEvent('order.created', SAGA)
  handle(
    @Payload() data: EventData<'order.created'>,
    @Ctx() ctx: EventContext<'order.created'>,
  ): Promise<void> {
    return this.saga.start(ctx, data);
  }
}
