import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderNewsService } from '../order-news.service.js';
import { ORDERS } from '../orders.domain.js';

/** Money given back for the order, e.g. when the saga compensates a failed build. */
@Controller()
export class PaymentRefundedListener {
  constructor(private readonly news: OrderNewsService) {}

  @OnEvent('payment.refunded', ORDERS)
  async handle(
    @Payload() data: EventData<'payment.refunded'>,
    @Ctx() ctx: EventContext<'payment.refunded'>,
  ): Promise<void> {
    await this.news.paymentRefunded(ctx, data);
  }
}
