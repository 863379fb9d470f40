import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { ORDERS } from '../orders.domain.js';

/** A suspended account may not place new orders. */
@Controller()
export class AccountSuspendedListener {
  @OnEvent('account.suspended', ORDERS)
  async handle(
    @Payload() data: EventData<'account.suspended'>,
    @Ctx() ctx: EventContext<'account.suspended'>,
  ): Promise<void> {
    await ctx.manager.query(
      'INSERT INTO orders.suspended_tenant (tenant_id, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [data.accountId, data.reason],
    );
  }
}
