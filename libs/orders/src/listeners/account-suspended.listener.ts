import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderAdmissionService } from '../order-admission.service.js';
import { ORDERS } from '../orders.domain.js';

/** A suspended account may not place new orders (until a later account.unsuspended lifts it). */
@Controller()
export class AccountSuspendedListener {
  constructor(private readonly admission: OrderAdmissionService) {}

  @OnEvent('account.suspended', ORDERS)
  async handle(
    @Payload() data: EventData<'account.suspended'>,
    @Ctx() ctx: EventContext<'account.suspended'>,
  ): Promise<void> {
    await this.admission.accountSuspended(ctx, data);
  }
}
