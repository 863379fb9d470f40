import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { type EventContext, PermanentEventError, type Tx } from '@app/messaging';
import type { Order } from './entities/order.entity.js';
import { type News, OrderNewsService, takesNews } from './order-news.service.js';
import { OrderStreamService } from './order-stream.service.js';
import { OrderRepository } from './order.repository.js';
import { advance, isTerminal, type OrderTrigger } from './order.state.js';

/**
 * Moves an order in reaction to another module's event, recording the step; late or repeated events change nothing.
 * Each use case locks the order's row once and decides from it.
 */
@Injectable()
export class OrderProgressService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly news: OrderNewsService,
    private readonly stream: OrderStreamService,
  ) {}

  /** Billing invoiced the order: it awaits payment, and the customer sees the invoice. */
  async invoiceGenerated(ctx: EventContext, invoice: EventData<'invoice.generated'>): Promise<void> {
    const order = await this.lock(ctx, ctx.tenantId, invoice.orderId);
    if (!order) {
      return;
    }
    const { invoiceId, number, totalMinor, currency, dueAt } = invoice;
    await this.move(ctx, order, 'invoice.generated', `invoice ${invoice.number}`, {
      news: { kind: 'invoice', detail: { invoiceId, number, totalMinor, currency, dueAt } },
    });
  }

  /** Paid: the order is confirmed (order.confirmed), even when provisioning news overtook the payment. */
  async paymentReceived(ctx: EventContext, payment: EventData<'payment.received'>): Promise<void> {
    const order = await this.lock(ctx, ctx.tenantId, payment.orderId);
    if (!order) {
      return;
    }
    const { paymentId, invoiceId, amountMinor, currency } = payment;
    const moved = await this.move(ctx, order, 'payment.received', undefined, {
      news: { kind: 'payment', detail: { outcome: 'received', paymentId, invoiceId, amountMinor, currency } },
    });
    // Provisioning news may overtake the payment (the order is confirmed or provisioning already): it still confirms.
    // An order that is over confirms nothing: a completed one is being paid for its renewals (billing's
    // subscriptions), a cancelled or failed one was given up.
    if (moved || !isTerminal(order.status)) {
      await ctx.publish(
        'order.confirmed',
        { orderId: payment.orderId, invoiceId, paymentId },
        { subject: payment.orderId },
      );
    }
  }

  /** The build started: the order is provisioning, and names its service from now on. */
  async provisioningStarted(ctx: EventContext, build: EventData<'provisioning.started'>): Promise<void> {
    const order = await this.lock(ctx, ctx.tenantId, build.orderId);
    if (order) {
      await this.move(ctx, order, 'provisioning.started', `node ${build.node}`, {
        serviceId: build.serviceId,
      });
    }
  }

  /**
   * The saga accepted the VPS: the order is complete and names its service (order.completed). Not
   * provisioning.completed itself: a VPS that is ready after the saga gave up on it is released, and its order must
   * stay cancellable.
   */
  async sagaCompleted(ctx: EventContext, saga: EventData<'saga.completed'>): Promise<void> {
    const order = await this.lock(ctx, ctx.tenantId, saga.orderId);
    if (!order) {
      return;
    }
    // Instances started before saga.completed named the service: orders knows it from provisioning.started.
    const serviceId = saga.serviceId ?? order.serviceId ?? undefined;
    if (!(await this.move(ctx, order, 'saga.completed', undefined, { serviceId }))) {
      return;
    }
    if (!serviceId) {
      // Thrown after the move: the transaction, the move with it, is rolled back and the event dead-lettered.
      throw new PermanentEventError(
        `saga.completed of order ${saga.orderId} names no service, and orders knows none`,
      );
    }
    await ctx.publish('order.completed', { orderId: saga.orderId, serviceId }, { subject: saga.orderId });
  }

  /**
   * The saga gave up on the order (after undoing payment and provisioning). order.cancelled is a once-only fact: it
   * is published when the order moves to cancelled, here or by the customer's cancel, never again. An order the
   * customer already cancelled needs no answer: the saga takes that cancellation as its acknowledgement.
   */
  async cancelRequested(ctx: EventContext, request: EventData<'order.cancel_requested'>): Promise<void> {
    const order = await this.lock(ctx, ctx.tenantId, request.orderId);
    if (order && (await this.move(ctx, order, 'cancel', request.reason))) {
      await ctx.publish(
        'order.cancelled',
        { orderId: request.orderId, reason: request.reason },
        { subject: request.orderId },
      );
    }
  }

  private lock(tx: Tx, tenantId: string, orderId: string): Promise<Order | null> {
    return this.orders.lockForTenant(tx.manager, tenantId, orderId);
  }

  /**
   * Moves the locked order where the trigger takes it, if anywhere, and records the event's news (in the same
   * statement when it moves); says whether it moved.
   */
  private async move(
    ctx: EventContext,
    order: Order,
    trigger: OrderTrigger,
    note?: string,
    also: { news?: News; serviceId?: string } = {},
  ): Promise<boolean> {
    const { news, serviceId } = also;
    const to = advance(order.status, trigger);
    if (!to) {
      if (news) {
        await this.news.record(ctx, order, news.kind, news.detail);
      }
      return false;
    }
    const step = { eventType: ctx.envelope.type, eventId: ctx.envelope.id, note: note ?? null };
    await this.orders.move(ctx.manager, order, to, step, {
      news: news && takesNews(to, news) ? news : undefined,
      serviceId,
    });
    ctx.afterCommit(() => this.stream.wake());
    return true;
  }
}
