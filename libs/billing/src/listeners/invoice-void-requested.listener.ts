import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { VoidsService } from '../voids.service.js';

@Controller()
export class InvoiceVoidRequestedListener {
  constructor(private readonly voids: VoidsService) {}

  @OnEvent('invoice.void_requested', BILLING)
  async handle(
    @Payload() data: EventData<'invoice.void_requested'>,
    @Ctx() ctx: EventContext<'invoice.void_requested'>,
  ): Promise<void> {
    await this.voids.request(ctx, ctx.tenantId, data);
  }
}
