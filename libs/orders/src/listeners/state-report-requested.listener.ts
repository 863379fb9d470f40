import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { OrderReportService } from '../order-report.service.js';
import { ORDERS } from '../orders.domain.js';

/** An operator replays an order: report what orders stores for it, so the audit module can compare. */
@Controller()
export class StateReportRequestedListener {
  constructor(private readonly report: OrderReportService) {}

  @OnEvent('order.state_report_requested', ORDERS)
  async handle(
    @Payload() data: EventData<'order.state_report_requested'>,
    @Ctx() ctx: EventContext<'order.state_report_requested'>,
  ): Promise<void> {
    await this.report.answer(ctx, ctx.tenantId, data);
  }
}
