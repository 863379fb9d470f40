import { Injectable } from '@nestjs/common';
import { Clock } from '@app/platform';
import type { Invoice } from '../entities/invoice.entity.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { SubscriptionTimer } from '../entities/subscription-timer.entity.js';
import type { Tx } from '@app/messaging';
import { VoidsService } from '../voids.service.js';
import { periodAt, renewalKey } from './billing-period.js';
import { DunningPolicy } from './dunning.policy.js';
import { formatDay, invoiceVariables, NoticesService } from './notices.service.js';
import { chargeLine, RecurringInvoicingService } from './recurring-invoicing.service.js';
import { ServiceCommandsService } from './service-commands.service.js';
import { SubscriptionRepository } from './subscription.repository.js';

/** A timer that found the invoice it is about locked by a payment in progress: try again a moment later. */
export const POSTPONE = Symbol('postpone');
export type TimerOutcome = string | typeof POSTPONE;

/**
 * What each subscription timer does when it fires. The poller holds the timer and its subscription locked, and
 * every handler checks the state it acts on in that same transaction, so a timer fired twice, by two processes, or
 * after a payment, acts at most once and only while acting is still right.
 */
@Injectable()
export class DunningService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly invoicing: RecurringInvoicingService,
    private readonly voids: VoidsService,
    private readonly commands: ServiceCommandsService,
    private readonly notices: NoticesService,
    private readonly policy: DunningPolicy,
    private readonly clock: Clock,
  ) {}

  fire(tx: Tx, subscription: Subscription, timer: SubscriptionTimer): Promise<TimerOutcome> {
    switch (timer.kind) {
      case 'renewal':
        return this.renew(tx, subscription, timer);
      case 'reminder':
        return this.remind(tx, subscription, timer);
      case 'suspension':
        return this.suspend(tx, subscription, timer);
      case 'termination':
        return this.terminate(tx, subscription, timer);
    }
  }

  /** Invoices the period starting at timer.periodStart, once: its idempotency key is service + period. */
  private async renew(tx: Tx, subscription: Subscription, timer: SubscriptionTimer): Promise<TimerOutcome> {
    // An operator's suspension keeps the machine and its resources: the service is still invoiced (dunning's
    // suspension is over an unpaid renewal; the next one is scheduled only when that is paid).
    const invoiced =
      subscription.status === 'active' ||
      (subscription.status === 'suspended' && subscription.suspendReason === 'operator');
    if (!invoiced || !subscription.serviceId || !subscription.anchorAt) {
      return `skipped_${subscription.status}`;
    }
    if (timer.periodStart.getTime() !== subscription.currentPeriodEnd?.getTime()) {
      return 'stale_period';
    }
    const key = renewalKey(subscription.serviceId, timer.periodStart);
    if (await this.subscriptions.invoiceByKey(tx.manager, key)) {
      return 'already_invoiced';
    }
    // An upgrade still unpaid lapses: the renewal is invoiced at the current plan's price.
    const pending = await this.subscriptions.pendingPlanChange(tx.manager, subscription.id);
    if (pending?.invoiceId) {
      const upgrade = await this.subscriptions.tryLockInvoice(tx.manager, pending.invoiceId);
      if (upgrade === 'busy') {
        return POSTPONE;
      }
      if (upgrade?.status === 'open') {
        await this.voids.void(tx, upgrade, 'plan_change_lapsed');
      }
    }
    if (pending) {
      pending.status = 'lapsed';
      pending.updatedAt = this.clock.now();
      await this.subscriptions.savePlanChange(tx.manager, pending);
    }
    const period = periodAt(subscription.anchorAt, subscription.billingCycle, subscription.paidPeriods);
    const invoice = await this.invoicing.issue(tx, subscription, {
      kind: 'renewal',
      idempotencyKey: key,
      lines: [
        chargeLine(
          `VPS ${subscription.hostname} (${subscription.billingCycle}, ${formatDay(period.start)} – ${formatDay(period.end)})`,
          subscription.priceMinor,
        ),
      ],
      periodStart: period.start,
      periodEnd: period.end,
      dueAt: period.start,
    });
    if (invoice.status === 'open') {
      for (const next of this.policy.afterDue(invoice.dueAt)) {
        await this.subscriptions.schedule(tx.manager, subscription, { ...next, periodStart: period.start });
      }
    }
    await this.notices.send(
      tx,
      subscription,
      'renewal-invoice',
      {
        ...invoiceVariables(invoice),
        periodStart: formatDay(period.start),
        periodEnd: formatDay(period.end),
        paidByCredit: invoice.status === 'paid',
      },
      timer.id,
    );
    return invoice.status === 'paid' ? 'invoiced_paid_by_credit' : 'invoiced';
  }

  private async remind(tx: Tx, subscription: Subscription, timer: SubscriptionTimer): Promise<TimerOutcome> {
    const invoice = await this.subscriptions.renewalInvoice(tx.manager, subscription.id, timer.periodStart);
    if (!invoice || invoice.status !== 'open') {
      return `skipped_invoice_${invoice?.status ?? 'missing'}`;
    }
    if (subscription.status === 'terminated' || subscription.status === 'pending') {
      return `skipped_${subscription.status}`;
    }
    await this.notices.send(
      tx,
      subscription,
      'payment-reminder',
      {
        ...invoiceVariables(invoice),
        daysOverdue: timer.step,
        suspendDate: formatDay(this.policy.suspensionAt(invoice.dueAt)),
        suspended: subscription.status === 'suspended',
      },
      timer.id,
    );
    return 'reminded';
  }

  private async suspend(tx: Tx, subscription: Subscription, timer: SubscriptionTimer): Promise<TimerOutcome> {
    const invoice = await this.unpaidRenewal(tx, subscription, timer);
    if (invoice === POSTPONE || typeof invoice === 'string') {
      return invoice;
    }
    if (subscription.status !== 'active') {
      return `skipped_${subscription.status}`;
    }
    subscription.status = 'suspended';
    subscription.suspendedAt = this.clock.now();
    subscription.suspendReason = 'non_payment';
    await this.commands.suspend(tx, subscription);
    await this.subscriptions.save(tx.manager, subscription, this.clock.now());
    await this.notices.send(
      tx,
      subscription,
      'service-suspended',
      { ...invoiceVariables(invoice), terminateDate: formatDay(this.policy.terminationAt(invoice.dueAt)) },
      timer.id,
    );
    return 'suspended';
  }

  private async terminate(
    tx: Tx,
    subscription: Subscription,
    timer: SubscriptionTimer,
  ): Promise<TimerOutcome> {
    const invoice = await this.unpaidRenewal(tx, subscription, timer);
    if (invoice === POSTPONE || typeof invoice === 'string') {
      return invoice;
    }
    if (subscription.status !== 'active' && subscription.status !== 'suspended') {
      return `skipped_${subscription.status}`;
    }
    // Voided under its lock: a payment that was waiting for the invoice now finds it not payable.
    await this.voids.void(tx, invoice, 'non_payment');
    const now = this.clock.now();
    subscription.status = 'terminated';
    subscription.terminatedAt = now;
    await this.commands.terminate(tx, subscription);
    await this.subscriptions.save(tx.manager, subscription, now);
    await this.subscriptions.cancelTimers(tx.manager, subscription.id, 'terminated');
    await this.notices.send(tx, subscription, 'service-terminated', invoiceVariables(invoice), timer.id);
    return 'terminated';
  }

  /**
   * The renewal invoice the timer is about, locked, if it is still open; an outcome string when there is nothing to
   * do; POSTPONE when a payment holds it right now (waiting for it could deadlock with that payment, which waits for
   * the subscription this transaction holds).
   */
  private async unpaidRenewal(
    tx: Tx,
    subscription: Subscription,
    timer: SubscriptionTimer,
  ): Promise<Invoice | TimerOutcome> {
    const found = await this.subscriptions.renewalInvoice(tx.manager, subscription.id, timer.periodStart);
    if (!found) {
      return 'skipped_invoice_missing';
    }
    const invoice = await this.subscriptions.tryLockInvoice(tx.manager, found.id);
    if (invoice === 'busy') {
      return POSTPONE;
    }
    if (!invoice || invoice.status !== 'open') {
      return `skipped_invoice_${invoice?.status ?? 'missing'}`;
    }
    return invoice;
  }
}
