import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { BILLING } from '../billing.domain.js';
import { InvoicingService } from '../invoicing.service.js';

/** Billing learns accounts from accounts' events only: the country sets the tax rate of every invoice. */
@Controller()
export class AccountCreatedListener {
  constructor(private readonly invoicing: InvoicingService) {}

  @OnEvent('account.created', BILLING)
  async handle(
    @Payload() data: EventData<'account.created'>,
    @Ctx() ctx: EventContext<'account.created'>,
  ): Promise<void> {
    await this.invoicing.accountCreated(ctx, ctx.tenantId, data, new Date(ctx.envelope.time));
  }
}
