import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderAdmissionService } from '../order-admission.service.js';
import { ORDERS } from '../orders.domain.js';

/** The account may order again (unless an account.suspended published later suspends it again). */
@Controller()
export class AccountUnsuspendedListener {
  constructor(private readonly admission: OrderAdmissionService) {}

  @OnEvent('account.unsuspended', ORDERS)
  async handle(
    @Payload() data: EventData<'account.unsuspended'>,
    @Ctx() ctx: EventContext<'account.unsuspended'>,
  ): Promise<void> {
    await this.admission.accountUnsuspended(ctx, data);
  }
}
