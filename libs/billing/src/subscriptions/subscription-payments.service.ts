import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@app/platform';
import type { Invoice } from '../entities/invoice.entity.js';
import type { PlanChange } from '../entities/plan-change.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { Tx } from '@app/messaging';
import { DunningPolicy } from './dunning.policy.js';
import { NoticesService } from './notices.service.js';
import { ServiceCommandsService } from './service-commands.service.js';
import { SubscriptionRepository } from './subscription.repository.js';
import { BillingViewsRepository } from '../billing-views.repository.js';

/**
 * What paying a subscription's invoice does, in the transaction that records the payment (card, transfer or
 * credit) and so under the invoice's lock, then the subscription's. A renewal moves the paid period on, cancels the
 * dunning timers still pending for it, unsuspends a service dunning suspended (an operator's suspension stays) and
 * schedules the next renewal; an upgrade is applied. A suspension or termination timer firing at the same moment either ran first (then this undoes the
 * suspension) or finds the invoice paid or locked and does nothing: either way the service ends active and paid.
 */
@Injectable()
export class SubscriptionPaymentsService {
  private readonly logger = new Logger(SubscriptionPaymentsService.name);

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly commands: ServiceCommandsService,
    private readonly notices: NoticesService,
    private readonly policy: DunningPolicy,
    private readonly clock: Clock,
    private readonly views: BillingViewsRepository,
  ) {}

  async invoicePaid(tx: Tx, invoice: Invoice): Promise<void> {
    if (invoice.kind === 'order' || invoice.subscriptionId === null) {
      return;
    }
    const subscription = await this.subscriptions.lock(tx.manager, invoice.subscriptionId);
    if (!subscription) {
      throw new Error(
        `invoice ${invoice.id} names subscription ${invoice.subscriptionId}, which does not exist`,
      );
    }
    if (invoice.kind === 'renewal') {
      await this.renewalPaid(tx, subscription, invoice);
    } else {
      await this.upgradePaid(tx, subscription, invoice);
    }
  }

  private async renewalPaid(tx: Tx, subscription: Subscription, invoice: Invoice): Promise<void> {
    const now = this.clock.now();
    if (subscription.status === 'terminated' || !invoice.periodStart || !invoice.periodEnd) {
      // Termination voids the open renewal under its lock first, so a payment cannot get here: a hand-made case.
      this.logger.warn(
        `renewal ${invoice.id} paid on ${subscription.status} subscription ${subscription.id}`,
      );
      return;
    }
    if (invoice.periodStart.getTime() === subscription.currentPeriodEnd?.getTime()) {
      subscription.paidPeriods += 1;
      subscription.currentPeriodStart = invoice.periodStart;
      subscription.currentPeriodEnd = invoice.periodEnd;
    }
    await this.subscriptions.cancelTimers(tx.manager, subscription.id, 'paid', {
      periodStart: invoice.periodStart,
      kinds: ['reminder', 'suspension', 'termination'],
    });
    // A payment lifts dunning's suspension, never an operator's: only an operator lifts that.
    const wasSuspended = subscription.status === 'suspended' && subscription.suspendReason !== 'operator';
    if (wasSuspended) {
      subscription.status = 'active';
      subscription.suspendedAt = null;
      subscription.suspendReason = null;
      await this.commands.unsuspend(tx, subscription);
    }
    await this.subscriptions.save(tx.manager, subscription, now);
    const next = subscription.currentPeriodEnd;
    if (next) {
      await this.subscriptions.schedule(tx.manager, subscription, {
        kind: 'renewal',
        step: 0,
        periodStart: next,
        dueAt: this.policy.renewalAt(next),
      });
    }
    if (wasSuspended) {
      await this.notices.send(tx, subscription, 'service-unsuspended', { invoiceNumber: invoice.number });
    }
  }

  private async upgradePaid(tx: Tx, subscription: Subscription, invoice: Invoice): Promise<void> {
    const change = await this.subscriptions.findPlanChange(tx.manager, planChangeIdOf(invoice));
    if (!change || change.status !== 'pending_payment') {
      return;
    }
    await this.apply(tx, subscription, change);
  }

  /** Moves the subscription to the new plan and asks provisioning to resize; the subscription is locked. */
  async apply(tx: Tx, subscription: Subscription, change: PlanChange): Promise<void> {
    const now = this.clock.now();
    const plan = await this.views.findPlan(tx.manager, change.toPlanId);
    if (!plan) {
      throw new Error(`plan ${change.toPlanId} of plan change ${change.id} is not known to billing`);
    }
    subscription.planId = change.toPlanId;
    subscription.priceMinor = change.toPriceMinor;
    await this.commands.resize(tx, subscription, plan);
    await this.subscriptions.save(tx.manager, subscription, now);
    change.status = 'applied';
    change.appliedAt = now;
    change.updatedAt = now;
    await this.subscriptions.savePlanChange(tx.manager, change);
  }
}

const PLAN_CHANGE_KEY = /^plan_change:([0-9a-f-]{36})$/;

/** An upgrade's invoice names its plan change in its idempotency key, plan_change:<id>. */
export function planChangeKey(changeId: string): string {
  return `plan_change:${changeId}`;
}

function planChangeIdOf(invoice: Invoice): string {
  const id = PLAN_CHANGE_KEY.exec(invoice.idempotencyKey ?? '')?.[1];
  if (!id) {
    throw new Error(`plan change invoice ${invoice.id} has no plan change key`);
  }
  return id;
}
