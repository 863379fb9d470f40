import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, LessThan, Not } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Invoice } from '../entities/invoice.entity.js';
import { PlanChange } from '../entities/plan-change.entity.js';
import { Subscription, type SubscriptionStatus } from '../entities/subscription.entity.js';
import { SubscriptionTimer, type TimerKind } from '../entities/subscription-timer.entity.js';

export interface TimerDraft {
  kind: TimerKind;
  step: number;
  periodStart: Date;
  dueAt: Date;
}

/**
 * All database I/O of subscriptions, their timers, plan changes and the plan read model. Lock order, everywhere:
 * an invoice (payments hold it) before its subscription, a subscription before its timers, the invoice counter and
 * the credit balance. The timer poller is the exception that proves it: it claims a timer together with its
 * subscription and skips what is locked, and it only ever tries an invoice's lock without waiting.
 */
@Injectable()
export class SubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Idempotent: a redelivered order.created finds its subscription already there. */
  async insertPending(manager: EntityManager, subscription: Subscription): Promise<void> {
    await manager.createQueryBuilder().insert().into(Subscription).values(subscription).orIgnore().execute();
  }

  lock(manager: EntityManager, id: string): Promise<Subscription | null> {
    return manager.findOne(Subscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lockByOrder(manager: EntityManager, tenantId: string, orderId: string): Promise<Subscription | null> {
    return manager.findOne(Subscription, {
      where: { tenantId, orderId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  lockByService(manager: EntityManager, tenantId: string, serviceId: string): Promise<Subscription | null> {
    return manager.findOne(Subscription, {
      where: { tenantId, serviceId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The back office's lookup, across tenants: the subscription of a service, locked. */
  lockForOperator(manager: EntityManager, serviceId: string): Promise<Subscription | null> {
    return manager.findOne(Subscription, { where: { serviceId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The subscription's invoices still open (renewals, upgrades), unlocked; oldest first. */
  openInvoices(manager: EntityManager, subscriptionId: string): Promise<Invoice[]> {
    return manager.find(Invoice, { where: { subscriptionId, status: 'open' }, order: { id: 'ASC' } });
  }

  findByService(tenantId: string, serviceId: string): Promise<Subscription | null> {
    return this.dataSource.manager.findOneBy(Subscription, { tenantId, serviceId });
  }

  /**
   * Delivered subscriptions (not pending), newest first; `before` is the id of the last subscription of the previous
   * page (ids are UUIDv7).
   */
  list(
    tenantId: string,
    limit: number,
    status?: SubscriptionStatus,
    before?: string,
  ): Promise<Subscription[]> {
    return this.dataSource.manager.find(Subscription, {
      where: {
        tenantId,
        status: status ?? Not('pending'),
        ...(before ? { id: LessThan(before) } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  async save(manager: EntityManager, subscription: Subscription, at: Date): Promise<void> {
    subscription.updatedAt = at;
    const { id, ...columns } = subscription;
    await manager.update(Subscription, { id }, columns);
  }

  /** Schedules a timer once: a second call for the same subscription, period, kind and step changes nothing. */
  async schedule(manager: EntityManager, subscription: Subscription, timer: TimerDraft): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(SubscriptionTimer)
      .values({
        id: uuidv7(),
        subscriptionId: subscription.id,
        tenantId: subscription.tenantId,
        kind: timer.kind,
        step: timer.step,
        periodStart: timer.periodStart,
        dueAt: timer.dueAt,
        status: 'pending',
        outcome: null,
        firedAt: null,
        createdAt: new Date(),
      })
      .orIgnore()
      .execute();
  }

  /**
   * Claims the most overdue pending timer together with its subscription, skipping rows another poller or a payment
   * holds; both stay locked until the caller's transaction ends.
   */
  async claimDue(
    manager: EntityManager,
    now: Date,
  ): Promise<{ timer: SubscriptionTimer; subscription: Subscription } | null> {
    const rows: { id: string }[] = await manager.query(
      `SELECT t.id FROM billing.subscription_timer t JOIN billing.subscription s ON s.id = t.subscription_id
       WHERE t.status = 'pending' AND t.due_at <= $1
       ORDER BY t.due_at LIMIT 1
       FOR UPDATE OF t, s SKIP LOCKED`,
      [now],
    );
    const id = rows[0]?.id;
    if (!id) {
      return null;
    }
    const timer = await manager.findOneByOrFail(SubscriptionTimer, { id });
    const subscription = await manager.findOneByOrFail(Subscription, { id: timer.subscriptionId });
    return { timer, subscription };
  }

  async finish(manager: EntityManager, timer: SubscriptionTimer, outcome: string, at: Date): Promise<void> {
    await manager.update(SubscriptionTimer, { id: timer.id }, { status: 'fired', outcome, firedAt: at });
  }

  /** Outside any transaction: the one that fired the timer rolled back. */
  async deferAfterError(timerId: string, until: Date, error: string): Promise<void> {
    await this.dataSource.manager.update(
      SubscriptionTimer,
      { id: timerId, status: 'pending' },
      { dueAt: until, outcome: `error: ${error}`.slice(0, 500) },
    );
  }

  async postpone(manager: EntityManager, timer: SubscriptionTimer, until: Date): Promise<void> {
    await manager.update(SubscriptionTimer, { id: timer.id }, { dueAt: until });
  }

  /** Cancels the pending timers of a subscription (of one period, and of some kinds, when given). */
  async cancelTimers(
    manager: EntityManager,
    subscriptionId: string,
    outcome: string,
    filter: { periodStart?: Date; kinds?: TimerKind[] } = {},
  ): Promise<void> {
    await manager.update(
      SubscriptionTimer,
      {
        subscriptionId,
        status: 'pending',
        ...(filter.periodStart ? { periodStart: filter.periodStart } : {}),
        ...(filter.kinds ? { kind: In(filter.kinds) } : {}),
      },
      { status: 'cancelled', outcome },
    );
  }

  invoiceByKey(manager: EntityManager, idempotencyKey: string): Promise<Invoice | null> {
    return manager.findOneBy(Invoice, { idempotencyKey });
  }

  /** The subscription's renewal invoice for the period starting at periodStart, if it was issued. */
  renewalInvoice(manager: EntityManager, subscriptionId: string, periodStart: Date): Promise<Invoice | null> {
    return manager.findOneBy(Invoice, { subscriptionId, kind: 'renewal', periodStart });
  }

  /**
   * Locks an invoice only if nobody holds it; 'busy' when someone does (a payment is being taken). A timer must not
   * wait here: the payment holding the invoice waits for the subscription the timer holds.
   */
  async tryLockInvoice(manager: EntityManager, id: string): Promise<Invoice | 'busy' | null> {
    const rows: { id: string }[] = await manager.query(
      'SELECT id FROM billing.invoice WHERE id = $1 FOR UPDATE SKIP LOCKED',
      [id],
    );
    if (rows.length === 0) {
      return (await manager.existsBy(Invoice, { id })) ? 'busy' : null;
    }
    return manager.findOneBy(Invoice, { id });
  }

  async insertPlanChange(manager: EntityManager, change: PlanChange): Promise<void> {
    await manager.insert(PlanChange, change);
  }

  async savePlanChange(manager: EntityManager, change: PlanChange): Promise<void> {
    const { id, ...columns } = change;
    await manager.update(PlanChange, { id }, columns);
  }

  async linkPlanChangeInvoice(manager: EntityManager, changeId: string, invoiceId: string): Promise<void> {
    await manager.update(PlanChange, { id: changeId }, { invoiceId });
  }

  findPlanChange(manager: EntityManager, id: string): Promise<PlanChange | null> {
    return manager.findOneBy(PlanChange, { id });
  }

  pendingPlanChange(manager: EntityManager, subscriptionId: string): Promise<PlanChange | null> {
    return manager.findOneBy(PlanChange, { subscriptionId, status: 'pending_payment' });
  }
}
