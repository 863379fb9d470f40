import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgressService } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** Paid: the order is confirmed (order.confirmed), even when provisioning news overtook the payment. */
@Controller()
export class PaymentReceivedListener {
  constructor(private readonly progress: OrderProgressService) {}

  @OnEvent('payment.received', ORDERS)
  async handle(
    @Payload() data: EventData<'payment.received'>,
    @Ctx() ctx: EventContext<'payment.received'>,
  ): Promise<void> {
    await this.progress.paymentReceived(ctx, data);
  }
}
