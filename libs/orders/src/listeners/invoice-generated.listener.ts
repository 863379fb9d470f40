import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgress } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

@Controller()
export class InvoiceGeneratedListener {
  constructor(private readonly progress: OrderProgress) {}

  @OnEvent('invoice.generated', ORDERS)
  async handle(
    @Payload() data: EventData<'invoice.generated'>,
    @Ctx() ctx: EventContext<'invoice.generated'>,
  ) {
    await this.progress.apply(ctx, data.orderId, 'invoice.generated', `invoice ${data.number}`);
    const { invoiceId, number, totalMinor, currency, dueAt } = data;
    await this.progress.note(ctx, data.orderId, 'invoice', {
      invoiceId,
      number,
      totalMinor,
      currency,
      dueAt,
    });
  }
}
