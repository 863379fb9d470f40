import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderSagaService } from '../order-saga.service.js';
import { SAGA } from '../saga.domain.js';

@Controller()
export class PaymentReceivedListener {
  constructor(private readonly saga: OrderSagaService) {}

  @OnEvent('payment.received', SAGA)
  handle(
    @Payload() data: EventData<'payment.received'>,
    @Ctx() ctx: EventContext<'payment.received'>,
  ): Promise<void> {
    return this.saga.advance(ctx, data.orderId, data);
  }
}
