import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** Paid: the order is confirmed (order.confirmed), even when provisioning news overtook the payment. */
@Controller()
export class PaymentReceivedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('payment.received', ORDERS)
  async handle(@Payload() data: EventData<'payment.received'>, @Ctx() ctx: EventContext<'payment.received'>) {
    const moved = await this.progress.apply(ctx, data.orderId, 'payment.received');
    const { paymentId, invoiceId, amountMinor, currency } = data;
    await this.progress.note(ctx, data.orderId, 'payment', {
      outcome: 'received',
      paymentId,
      invoiceId,
      amountMinor,
      currency,
    });
    // Provisioning news may overtake the payment; a completed order, though, is being paid for its renewals
    // (billing's subscriptions), which confirm nothing.
    const overtaken =
      !moved &&
      (await this.progress.isActive(ctx, data.orderId)) &&
      !(await this.progress.hasStatus(ctx, data.orderId, 'completed'));
    if (moved || overtaken) {
      await ctx.publish(
        'order.confirmed',
        { orderId: data.orderId, invoiceId: data.invoiceId, paymentId: data.paymentId },
        { subject: data.orderId },
      );
    }
  }
}
