import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderProgressService } from '../order-progress.service.js';
import { ORDERS } from '../orders.domain.js';

/** The order is invoiced: it awaits payment. */
@Controller()
export class InvoiceGeneratedListener {
  constructor(private readonly progress: OrderProgressService) {}

  @OnEvent('invoice.generated', ORDERS)
  async handle(
    @Payload() data: EventData<'invoice.generated'>,
    @Ctx() ctx: EventContext<'invoice.generated'>,
  ): Promise<void> {
    await this.progress.invoiceGenerated(ctx, data);
  }
}
