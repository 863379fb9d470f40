import { Injectable } from '@nestjs/common';
import type { EventContext } from '@app/messaging';
import { Order } from './entities/order.entity.js';
import { OrderRepository } from './order.repository.js';
import type { OrderStepDetail, OrderStepKind } from './entities/order-step.entity.js';
import { advance, isTerminal, type OrderStatus, type OrderTrigger } from './order.state.js';

/** Moves an order in reaction to another module's event, recording the step; late or repeated events change nothing. */
@Injectable()
export class OrderProgress {
  constructor(private readonly orders: OrderRepository) {}

  async apply(
    ctx: EventContext,
    orderId: string,
    trigger: OrderTrigger,
    note?: string,
  ): Promise<{ order: Order; from: OrderStatus } | undefined> {
    const order = await this.orders.lockForTenant(ctx.manager, ctx.tenantId, orderId);
    if (!order) {
      return undefined;
    }
    const from = order.status;
    const to = advance(from, trigger);
    if (!to) {
      return undefined;
    }
    await this.orders.move(ctx.manager, order, to, {
      eventType: ctx.envelope.type,
      eventId: ctx.envelope.id,
      note: note ?? null,
    });
    return { order, from };
  }

  /**
   * Keeps news the customer watches in the order's history (and so its event stream). An order that is over takes
   * only news after the end: a refund (the money it gives back) and its service's actions (the service outlives
   * the order).
   */
  async note(
    ctx: EventContext,
    orderId: string,
    kind: Exclude<OrderStepKind, 'status'>,
    detail: OrderStepDetail,
  ): Promise<void> {
    const order = await this.orders.lockForTenant(ctx.manager, ctx.tenantId, orderId);
    if (!order || (isTerminal(order.status) && kind !== 'action' && detail.outcome !== 'refunded')) {
      return;
    }
    await this.orders.note(ctx.manager, order, kind, detail, {
      eventType: ctx.envelope.type,
      eventId: ctx.envelope.id,
    });
  }

  /** Paid or further along, and not given up: a late payment.received still confirms such an order. */
  async isActive(ctx: EventContext, orderId: string): Promise<boolean> {
    const order = await this.orders.findForTenant(ctx.tenantId, orderId, ctx.manager);
    return order !== null && order.status !== 'cancelled' && order.status !== 'failed';
  }

  async hasStatus(ctx: EventContext, orderId: string, status: OrderStatus): Promise<boolean> {
    const order = await this.orders.findForTenant(ctx.tenantId, orderId, ctx.manager);
    return order?.status === status;
  }

  async setService(ctx: EventContext, orderId: string, serviceId: string): Promise<void> {
    await ctx.manager.update(Order, { id: orderId, tenantId: ctx.tenantId }, { serviceId });
  }
}
