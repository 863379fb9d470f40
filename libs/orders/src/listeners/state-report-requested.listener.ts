import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderRepository } from '../order.repository.js';
import { ORDERS } from '../orders.domain.js';

/** The report holds at most this many steps; stepCount says how many there are. */
const MAX_REPORTED_STEPS = 100;

/** An operator replays an order: report what orders stores for it, so the audit module can compare. */
@Controller()
export class StateReportRequestedListener {
  constructor(private readonly orders: OrderRepository) {}

  @OnEvent('order.state_report_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'order.state_report_requested'>,
    @Ctx() ctx: EventContext<'order.state_report_requested'>,
  ): Promise<void> {
    const order = await this.orders.findForTenant(ctx.tenantId, data.orderId, ctx.manager);
    const steps = order ? await this.orders.steps(order.id, ctx.manager) : [];
    await ctx.publish(
      'order.state_reported',
      {
        replayId: data.replayId,
        orderId: data.orderId,
        found: order !== null,
        status: order?.status ?? null,
        serviceId: order?.serviceId ?? null,
        steps: steps.slice(0, MAX_REPORTED_STEPS).map((s) => ({
          status: s.status,
          event: s.eventType,
          eventId: s.eventId,
          at: s.at.toISOString(),
        })),
        stepCount: steps.length,
      },
      { subject: data.orderId },
    );
  }
}
