import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import type { EventContext } from '@app/messaging';
import { OrderAdmissionRepository } from './order-admission.repository.js';

/**
 * Keeps what orders needs to admit an order, from other modules' events: which plans the catalog offers (a later
 * revision replaces the earlier one) and which accounts may not order (until a later account.unsuspended lifts it).
 */
@Injectable()
export class OrderAdmissionService {
  constructor(private readonly admission: OrderAdmissionRepository) {}

  async planPublished(ctx: EventContext, plan: EventData<'catalog.plan.published'>): Promise<void> {
    await this.admission.savePlan(ctx.manager, {
      planId: plan.planId,
      code: plan.code,
      regions: plan.regions,
      images: plan.images ?? [],
      prices: plan.prices,
      status: 'published',
      updatedAt: new Date(ctx.envelope.time),
    });
  }

  async planRetired(ctx: EventContext, plan: EventData<'catalog.plan.retired'>): Promise<void> {
    await this.admission.retirePlan(ctx.manager, plan.planId, new Date(ctx.envelope.time));
  }

  async accountSuspended(ctx: EventContext, account: EventData<'account.suspended'>): Promise<void> {
    await this.admission.suspend(ctx.manager, account.accountId, account.reason, ctx.envelope.time);
  }

  async accountUnsuspended(ctx: EventContext, account: EventData<'account.unsuspended'>): Promise<void> {
    await this.admission.lift(ctx.manager, account.accountId, ctx.envelope.time);
  }
}
