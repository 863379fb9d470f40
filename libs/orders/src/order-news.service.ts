import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import type { EventContext } from '@app/messaging';
import type { Order } from './entities/order.entity.js';
import type { OrderStepDetail, OrderStepKind } from './entities/order-step.entity.js';
import { OrderRepository } from './order.repository.js';
import { OrderStreamService } from './order-stream.service.js';
import { isTerminal } from './order.state.js';

type NewsKind = Exclude<OrderStepKind, 'status'>;

/** A line of news about an order: what kind, and what it says. */
export interface News {
  kind: NewsKind;
  detail: OrderStepDetail;
}

/**
 * Whether an order in this status still takes the news. One that is over takes only news after the end: a refund
 * (the money it gives back) and its service's actions (the service outlives the order).
 */
export function takesNews(status: Order['status'], { kind, detail }: News): boolean {
  return !isTerminal(status) || kind === 'action' || detail.outcome === 'refunded';
}

/** News the customer watches in the order's history (and so its event stream) that leaves its status as it is. */
@Injectable()
export class OrderNewsService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly stream: OrderStreamService,
  ) {}

  /** A declined or failed payment leaves the order waiting for another; the customer sees why. */
  async paymentFailed(ctx: EventContext, payment: EventData<'payment.failed'>): Promise<void> {
    const { paymentId, invoiceId, amountMinor, currency, reason, retryable } = payment;
    await this.add(ctx, payment.orderId, 'payment', {
      outcome: 'failed',
      paymentId,
      invoiceId,
      amountMinor,
      currency,
      reason,
      retryable,
    });
  }

  /** Money given back for the order, e.g. when the saga compensates a failed build. */
  async paymentRefunded(ctx: EventContext, refund: EventData<'payment.refunded'>): Promise<void> {
    const { paymentId, invoiceId, amountMinor, currency, reason } = refund;
    await this.add(ctx, refund.orderId, 'payment', {
      outcome: 'refunded',
      paymentId,
      invoiceId,
      amountMinor,
      currency,
      reason,
    });
  }

  /** A build step of the order's VPS, for the customer's progress bar. */
  async provisioningProgress(ctx: EventContext, progress: EventData<'provisioning.progress'>): Promise<void> {
    await this.add(ctx, progress.orderId, 'progress', { step: progress.step, percent: progress.percent });
  }

  /** The customer asked for an action on the order's service (a reboot, say). */
  async actionRequested(ctx: EventContext, action: EventData<'service.action_requested'>): Promise<void> {
    await this.add(ctx, action.orderId, 'action', {
      outcome: 'requested',
      actionId: action.actionId,
      serviceId: action.serviceId,
      action: action.action,
    });
  }

  /** The action was carried out; after a reinstall, new credentials wait to be revealed. */
  async actionCompleted(ctx: EventContext, action: EventData<'service.action_completed'>): Promise<void> {
    await this.add(ctx, action.orderId, 'action', {
      outcome: 'completed',
      actionId: action.actionId,
      serviceId: action.serviceId,
      action: action.action,
      credentialsRenewed: action.credentialsSecretId !== null,
    });
  }

  /** The action was not carried out; the customer sees why. */
  async actionFailed(ctx: EventContext, action: EventData<'service.action_failed'>): Promise<void> {
    await this.add(ctx, action.orderId, 'action', {
      outcome: 'failed',
      actionId: action.actionId,
      serviceId: action.serviceId,
      action: action.action,
      reason: action.reason,
      message: action.message,
    });
  }

  /** Records news of an order the caller holds locked, if it still takes it (takesNews). */
  async record(ctx: EventContext, order: Order, kind: NewsKind, detail: OrderStepDetail): Promise<void> {
    if (!takesNews(order.status, { kind, detail })) {
      return;
    }
    await this.orders.note(ctx.manager, order, kind, detail, {
      eventType: ctx.envelope.type,
      eventId: ctx.envelope.id,
    });
    ctx.afterCommit(() => this.stream.wake());
  }

  private async add(
    ctx: EventContext,
    orderId: string,
    kind: NewsKind,
    detail: OrderStepDetail,
  ): Promise<void> {
    const order = await this.orders.lockForTenant(ctx.manager, ctx.tenantId, orderId);
    if (order) {
      await this.record(ctx, order, kind, detail);
    }
  }
}
