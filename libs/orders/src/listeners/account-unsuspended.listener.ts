import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { ORDERS } from '../orders.domain.js';

/**
 * The account may order again. The row stays with the lift's time: an account.suspended read later but published
 * earlier then changes nothing, one published later suspends again.
 */
@Controller()
export class AccountUnsuspendedListener {
  @OnEvent('account.unsuspended', ORDERS)
  async handle(
    @Payload() data: EventData<'account.unsuspended'>,
    @Ctx() ctx: EventContext<'account.unsuspended'>,
  ): Promise<void> {
    await ctx.manager.query(
      `INSERT INTO orders.suspended_tenant (tenant_id, reason, suspended_at, lifted_at)
       VALUES ($1, 'lifted', '-infinity', $2)
       ON CONFLICT (tenant_id) DO UPDATE SET lifted_at = GREATEST(suspended_tenant.lifted_at, EXCLUDED.lifted_at)`,
      [data.accountId, ctx.envelope.time],
    );
  }
}
