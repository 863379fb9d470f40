import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { RefundsService } from '../refunds.service.js';

@Controller()
export class PaymentRefundRequestedListener {
  constructor(private readonly refunds: RefundsService) {}

  @OnEvent('payment.refund_requested', BILLING)
  async handle(
    @Payload() data: EventData<'payment.refund_requested'>,
    @Ctx() ctx: EventContext<'payment.refund_requested'>,
  ): Promise<void> {
    await this.refunds.refund(ctx, ctx.tenantId, data);
  }
}
