import { Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import type { Tx } from '@app/messaging';
import { OrderRepository } from './order.repository.js';

/** The report holds at most this many steps; stepCount says how many there are. */
const MAX_REPORTED_STEPS = 100;

/** An operator replays an order: orders reports what it stores for it, so the audit module can compare. */
@Injectable()
export class OrderReportService {
  constructor(private readonly orders: OrderRepository) {}

  async answer(tx: Tx, tenantId: string, request: EventData<'order.state_report_requested'>): Promise<void> {
    const order = await this.orders.findForTenant(tx.manager, tenantId, request.orderId);
    const steps = order ? await this.orders.steps(tx.manager, order.id) : [];
    await tx.publish(
      'order.state_reported',
      {
        replayId: request.replayId,
        orderId: request.orderId,
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
      { tenantId, subject: request.orderId },
    );
  }
}
