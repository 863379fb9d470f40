import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { ORDERS } from '../orders.domain.js';

/** A suspended account may not place new orders (until a later account.unsuspended lifts it). */
@Controller()
export class AccountSuspendedListener {
  @OnEvent('account.suspended', ORDERS)
  async handle(
    @Payload() data: EventData<'account.suspended'>,
    @Ctx() ctx: EventContext<'account.suspended'>,
  ): Promise<void> {
    await ctx.manager.query(
      `INSERT INTO orders.suspended_tenant (tenant_id, reason, suspended_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET reason = EXCLUDED.reason, suspended_at = EXCLUDED.suspended_at
       WHERE suspended_tenant.suspended_at < EXCLUDED.suspended_at`,
      [data.accountId, data.reason, ctx.envelope.time],
    );
  }
}
