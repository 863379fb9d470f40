import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { InvoicingService } from '../invoicing.service.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';

/** Invoices the order, and records what its service will cost per billing cycle (its subscription, pending). */
@Controller()
export class OrderCreatedListener {
  constructor(
    private readonly invoicing: InvoicingService,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  @OnEvent('order.created', BILLING)
  async handle(
    @Payload() data: EventData<'order.created'>,
    @Ctx() ctx: EventContext<'order.created'>,
  ): Promise<void> {
    await this.invoicing.orderCreated(ctx, ctx.tenantId, data, {
      id: ctx.envelope.id,
      correlationId: ctx.envelope.correlationid,
    });
    await this.subscriptions.orderPlaced(ctx, ctx.tenantId, data);
  }
}
