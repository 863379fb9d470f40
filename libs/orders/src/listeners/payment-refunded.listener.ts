import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** Money given back for the order, e.g. when the saga compensates a failed build. */
@Controller()
export class PaymentRefundedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('payment.refunded', ORDERS)
  async handle(@Payload() data: EventData<'payment.refunded'>, @Ctx() ctx: EventContext<'payment.refunded'>) {
    const { paymentId, invoiceId, amountMinor, currency, reason } = data;
    await this.progress.note(ctx, data.orderId, 'payment', {
      outcome: 'refunded',
      paymentId,
      invoiceId,
      amountMinor,
      currency,
      reason,
    });
  }
}
