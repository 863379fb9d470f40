import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderNewsService } from '../order-news.service.js';
import { ORDERS } from '../orders.domain.js';

/** A declined or failed payment leaves the order waiting for another; the customer sees why. */
@Controller()
export class PaymentFailedListener {
  constructor(private readonly news: OrderNewsService) {}

  @OnEvent('payment.failed', ORDERS)
  async handle(
    @Payload() data: EventData<'payment.failed'>,
    @Ctx() ctx: EventContext<'payment.failed'>,
  ): Promise<void> {
    await this.news.paymentFailed(ctx, data);
  }
}
