import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OutboxService } from '@app/messaging';
import { AppConfig, Clock, type Principal } from '@app/platform';
import { BillingErrorCode, BillingException } from '../billing.exception.js';
import type { PlanChange } from '../entities/plan-change.entity.js';
import type { PlanView } from '../entities/plan-view.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import { taxOn } from '../invoice.totals.js';
import type { Tx } from '@app/messaging';
import { type Period, periodAt } from './billing-period.js';
import { CreditRepository } from './credit.repository.js';
import { formatDay } from './notices.service.js';
import { prorate } from './proration.js';
import { chargeLine, RecurringInvoicingService } from './recurring-invoicing.service.js';
import { planChangeKey, SubscriptionPaymentsService } from './subscription-payments.service.js';
import { SubscriptionRepository } from './subscription.repository.js';
import { BillingViewsRepository } from '../billing-views.repository.js';

export interface PlanChangeView {
  id: string;
  serviceId: string;
  fromPlanId: string;
  toPlanId: string;
  direction: PlanChange['direction'];
  status: PlanChange['status'];
  /** Net price difference for the rest of the paid period: charged on an upgrade, credited on a downgrade. */
  proratedMinor: number;
  /** Downgrade: what went to the account credit, tax included. */
  creditMinor: number;
  currency: string;
  /** Upgrade: the invoice to pay; the service is resized once it is paid. */
  invoiceId: string | null;
  effectiveFrom: string;
  periodEnd: string;
}

/**
 * Moving a service to another plan mid-period. The price difference is prorated over what is left of the paid
 * period(s): an upgrade is invoiced (the resize waits for the payment), a downgrade is credited to the account,
 * tax included, and resized at once; a plan at the same price is simply switched.
 */
@Injectable()
export class PlanChangeService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly subscriptions: SubscriptionRepository,
    private readonly credits: CreditRepository,
    private readonly invoicing: RecurringInvoicingService,
    private readonly payments: SubscriptionPaymentsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly views: BillingViewsRepository,
  ) {}

  request(principal: Principal, serviceId: string, planId: string): Promise<PlanChangeView> {
    return this.outbox.transaction(
      async (tx) => {
        const subscription = await this.subscriptions.lockByService(
          tx.manager,
          principal.tenantId,
          serviceId,
        );
        if (!subscription) {
          throw new BillingException(BillingErrorCode.SubscriptionNotFound);
        }
        const plan = await this.checkChange(tx, subscription, planId);
        const toPriceMinor = priceOf(plan, subscription);
        const now = this.clock.now();
        const diff = toPriceMinor - subscription.priceMinor;
        const change: PlanChange = {
          id: uuidv7(),
          tenantId: subscription.tenantId,
          subscriptionId: subscription.id,
          fromPlanId: subscription.planId,
          toPlanId: plan.planId,
          fromPriceMinor: subscription.priceMinor,
          toPriceMinor,
          direction: diff > 0 ? 'upgrade' : diff < 0 ? 'downgrade' : 'lateral',
          status: 'pending_payment',
          proratedMinor: prorate(Math.abs(diff), now, paidPeriodsAhead(subscription, now)),
          creditMinor: 0,
          invoiceId: null,
          effectiveFrom: now,
          periodEnd: subscription.currentPeriodEnd ?? now,
          requestedAt: now,
          appliedAt: null,
          updatedAt: now,
        };
        await this.subscriptions.insertPlanChange(tx.manager, change);
        if (change.direction === 'upgrade' && change.proratedMinor > 0) {
          await this.invoiceUpgrade(tx, subscription, change, plan);
        } else {
          if (change.direction === 'downgrade' && change.proratedMinor > 0) {
            await this.credit(tx, subscription, change);
          }
          await this.payments.apply(tx, subscription, change);
        }
        const stored = await this.subscriptions.findPlanChange(tx.manager, change.id);
        return toPlanChangeView(stored ?? change, subscription);
      },
      { tenantId: principal.tenantId },
    );
  }

  private async checkChange(tx: Tx, subscription: Subscription, planId: string): Promise<PlanView> {
    if (subscription.status !== 'active') {
      throw new BillingException(
        BillingErrorCode.SubscriptionNotActive,
        `the subscription is ${subscription.status}`,
      );
    }
    if (planId === subscription.planId) {
      throw new BillingException(BillingErrorCode.PlanUnchanged);
    }
    const plan = await this.views.findPlan(tx.manager, planId);
    if (!plan || plan.retired) {
      throw new BillingException(BillingErrorCode.PlanNotOffered, `plan ${planId} cannot be ordered`);
    }
    if (priceOf(plan, subscription) < 0) {
      throw new BillingException(
        BillingErrorCode.PlanNotOffered,
        `plan ${planId} has no ${subscription.billingCycle} price in ${subscription.currency}`,
      );
    }
    if (await this.subscriptions.pendingPlanChange(tx.manager, subscription.id)) {
      throw new BillingException(BillingErrorCode.PlanChangePending);
    }
    const renewal = subscription.currentPeriodEnd
      ? await this.subscriptions.renewalInvoice(tx.manager, subscription.id, subscription.currentPeriodEnd)
      : null;
    if (renewal?.status === 'open') {
      throw new BillingException(BillingErrorCode.RenewalUnpaid, `pay invoice ${renewal.number} first`);
    }
    return plan;
  }

  private async invoiceUpgrade(tx: Tx, subscription: Subscription, change: PlanChange, plan: PlanView) {
    const invoice = await this.invoicing.issue(tx, subscription, {
      kind: 'plan_change',
      idempotencyKey: planChangeKey(change.id),
      lines: [
        chargeLine(
          `Upgrade ${subscription.hostname} to ${plan.name} (${formatDay(change.effectiveFrom)} – ${formatDay(change.periodEnd)}, prorated)`,
          change.proratedMinor,
        ),
      ],
      periodStart: change.effectiveFrom,
      periodEnd: change.periodEnd,
      dueAt: new Date(change.effectiveFrom.getTime() + this.config.PAYMENT_WINDOW_SECONDS * 1000),
    });
    // Credit may have covered it: then it was paid, and the change applied, inside issue().
    await this.subscriptions.linkPlanChangeInvoice(tx.manager, change.id, invoice.id);
  }

  /** The unused difference goes to the account credit with its tax, as the customer paid it with tax. */
  private async credit(tx: Tx, subscription: Subscription, change: PlanChange): Promise<void> {
    const rate = await this.invoicing.taxRate(tx, subscription.accountId);
    change.creditMinor = change.proratedMinor + taxOn(change.proratedMinor, rate);
    await this.subscriptions.savePlanChange(tx.manager, change);
    const balance = await this.credits.lockBalance(
      tx.manager,
      subscription.tenantId,
      subscription.accountId,
      subscription.currency,
    );
    await this.credits.move(tx.manager, balance, {
      id: uuidv7(),
      tenantId: subscription.tenantId,
      accountId: subscription.accountId,
      currency: subscription.currency,
      amountMinor: change.creditMinor,
      reason: 'downgrade',
      invoiceId: null,
      planChangeId: change.id,
      createdAt: change.requestedAt,
    });
  }
}

/** The plan's price in the subscription's cycle and currency; -1 when it has none. */
function priceOf(plan: PlanView, subscription: Subscription): number {
  const price = plan.prices.find(
    (p) => p.billingCycle === subscription.billingCycle && p.currency === subscription.currency,
  );
  return price?.amountMinor ?? -1;
}

/**
 * The paid periods still (partly) ahead: the current one, and the one before it when the renewal was paid early
 * and the paid period has not begun yet.
 */
export function paidPeriodsAhead(subscription: Subscription, now: Date): Period[] {
  const { anchorAt, billingCycle, paidPeriods } = subscription;
  if (!anchorAt || paidPeriods < 1) {
    return [];
  }
  const current = periodAt(anchorAt, billingCycle, paidPeriods - 1);
  if (now < current.start && paidPeriods >= 2) {
    return [periodAt(anchorAt, billingCycle, paidPeriods - 2), current];
  }
  return [current];
}

function toPlanChangeView(change: PlanChange, subscription: Subscription): PlanChangeView {
  return {
    id: change.id,
    serviceId: subscription.serviceId ?? '',
    fromPlanId: change.fromPlanId,
    toPlanId: change.toPlanId,
    direction: change.direction,
    status: change.status,
    proratedMinor: change.proratedMinor,
    creditMinor: change.creditMinor,
    currency: subscription.currency,
    invoiceId: change.invoiceId,
    effectiveFrom: change.effectiveFrom.toISOString(),
    periodEnd: change.periodEnd.toISOString(),
  };
}
