import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import { Clock, type Principal } from '@app/platform';
import { BillingErrorCode, BillingException } from '../billing.exception.js';
import type { Tx } from '@app/messaging';
import { periodAt } from './billing-period.js';
import { DunningPolicy } from './dunning.policy.js';
import type { ListSubscriptionsQuery } from '../dto/list-subscriptions.query.js';
import { SubscriptionRepository } from './subscription.repository.js';
import { toSubscriptionView, type SubscriptionPage, type SubscriptionView } from './subscription.view.js';
import { BillingViewsRepository } from '../billing-views.repository.js';

/** A subscription's life from other modules' events, and what a customer reads of it. */
@Injectable()
export class SubscriptionsService {
  private readonly logger = new Logger(SubscriptionsService.name);

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly policy: DunningPolicy,
    private readonly clock: Clock,
    private readonly views: BillingViewsRepository,
  ) {}

  /** order.created carries what the service will cost; the subscription waits for the service id. */
  async orderPlaced(tx: Tx, tenantId: string, order: EventData<'order.created'>): Promise<void> {
    const now = this.clock.now();
    await this.subscriptions.insertPending(tx.manager, {
      id: uuidv7(),
      tenantId,
      accountId: order.accountId,
      orderId: order.orderId,
      serviceId: null,
      planId: order.planId,
      hostname: order.hostname,
      billingCycle: order.billingCycle,
      priceMinor: order.priceMinor,
      currency: order.currency,
      status: 'pending',
      anchorAt: null,
      paidPeriods: 0,
      currentPeriodStart: null,
      currentPeriodEnd: null,
      commandSeq: 0,
      activatedAt: null,
      suspendedAt: null,
      suspendReason: null,
      terminatedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * The service is delivered: its first period (paid with the order) starts now, and the renewal of the next one is
   * scheduled. A redelivery finds the subscription active and changes nothing.
   */
  async orderCompleted(tx: Tx, tenantId: string, data: EventData<'order.completed'>): Promise<void> {
    const subscription = await this.subscriptions.lockByOrder(tx.manager, tenantId, data.orderId);
    if (!subscription) {
      // An order placed before recurring billing existed: nothing says what it costs.
      this.logger.warn(`order ${data.orderId} completed without a subscription; not renewing it`);
      return;
    }
    if (subscription.status !== 'pending') {
      return;
    }
    const now = this.clock.now();
    const first = periodAt(now, subscription.billingCycle, 0);
    Object.assign(subscription, {
      serviceId: data.serviceId,
      status: 'active',
      anchorAt: now,
      paidPeriods: 1,
      currentPeriodStart: first.start,
      currentPeriodEnd: first.end,
      activatedAt: now,
    });
    await this.subscriptions.save(tx.manager, subscription, now);
    await this.subscriptions.schedule(tx.manager, subscription, {
      kind: 'renewal',
      step: 0,
      periodStart: first.end,
      dueAt: this.policy.renewalAt(first.end),
    });
  }

  async planPublished(tx: Tx, plan: EventData<'catalog.plan.published'>): Promise<void> {
    await this.views.upsertPlan(tx.manager, {
      planId: plan.planId,
      name: plan.name,
      vcpus: plan.vcpus,
      memoryMb: plan.memoryMb,
      diskGb: plan.diskGb,
      prices: plan.prices,
      updatedAt: new Date(),
    });
  }

  async planRetired(tx: Tx, planId: string): Promise<void> {
    await this.views.retirePlan(tx.manager, planId, new Date());
  }

  async get(principal: Principal, serviceId: string): Promise<SubscriptionView> {
    const subscription = await this.subscriptions.findByService(principal.tenantId, serviceId);
    if (!subscription) {
      throw new BillingException(BillingErrorCode.SubscriptionNotFound);
    }
    return toSubscriptionView(subscription, this.policy);
  }

  async list(principal: Principal, query: ListSubscriptionsQuery): Promise<SubscriptionPage> {
    const limit = query.limit ?? 20;
    const rows = await this.subscriptions.list(principal.tenantId, limit + 1, query.status, query.cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map((s) => toSubscriptionView(s, this.policy)),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}
