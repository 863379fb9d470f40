import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { SAGA } from '../saga.domain.js';
import { SagaViewsRepository } from '../saga-views.repository.js';

/** Where to send the customer's notifications, learnt from the accounts module's event. */
@Controller()
export class AccountCreatedListener {
  constructor(private readonly views: SagaViewsRepository) {}

  @OnEvent('account.created', SAGA)
  handle(
    @Payload() data: EventData<'account.created'>,
    @Ctx() ctx: EventContext<'account.created'>,
  ): Promise<void> {
    return this.views.upsertAccount(ctx.manager, data.accountId, data.email, data.name);
  }
}
