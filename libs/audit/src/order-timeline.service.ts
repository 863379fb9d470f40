import { Injectable } from '@nestjs/common';
import { AdminActionRepository } from './admin-action.repository.js';
import type { OrderTimeline } from './admin-api.view.js';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import { toActionView, toEventView } from './audit.view.js';
import { EventLogRepository } from './event-log.repository.js';
import { orderTimeline } from './order-timeline.js';

/** Everything the log holds about one order, in causal order. */
@Injectable()
export class OrderTimelineService {
  constructor(
    private readonly log: EventLogRepository,
    private readonly actions: AdminActionRepository,
  ) {}

  async timeline(orderId: string): Promise<OrderTimeline> {
    const rows = await this.log.forOrder(orderId);
    if (rows.length === 0) {
      throw new AuditException(AuditErrorCode.OrderNotLogged);
    }
    const actions = await this.actions.onRecords(rows.filter((r) => r.isDeadLetter).map((r) => r.id));
    const entries = orderTimeline(rows.map(toEventView), actions.map(toActionView));
    const created = entries.find((e) => e.type === 'order.created' && !e.deadLetter);
    return { orderId, correlationId: created?.correlationId ?? null, entries };
  }
}
