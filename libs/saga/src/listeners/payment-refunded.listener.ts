import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderSagaService } from '../order-saga.service.js';
import { SAGA } from '../saga.domain.js';

@Controller()
export class PaymentRefundedListener {
  constructor(private readonly saga: OrderSagaService) {}

  @OnEvent('payment.refunded', SAGA)
  handle(
    @Payload() data: EventData<'payment.refunded'>,
    @Ctx() ctx: EventContext<'payment.refunded'>,
  ): Promise<void> {
    return this.saga.advance(ctx, data.orderId, data);
  }
}
