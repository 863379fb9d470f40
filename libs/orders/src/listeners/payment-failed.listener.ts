import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** A declined or failed payment leaves the order waiting for another; the customer sees why. */
@Controller()
export class PaymentFailedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('payment.failed', ORDERS)
  async handle(@Payload() data: EventData<'payment.failed'>, @Ctx() ctx: EventContext<'payment.failed'>) {
    const { paymentId, invoiceId, amountMinor, currency, reason, retryable } = data;
    await this.progress.note(ctx, data.orderId, 'payment', {
      outcome: 'failed',
      paymentId,
      invoiceId,
      amountMinor,
      currency,
      reason,
      retryable,
    });
  }
}
