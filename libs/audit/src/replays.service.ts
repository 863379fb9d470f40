import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EventData } from '@app/contracts';
import { OutboxService, type Tx } from '@app/messaging';
import type { Principal } from '@app/platform';
import { AdminActionRepository } from './admin-action.repository.js';
import type { ReplayRequested, ReplayView } from './admin-api.view.js';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import { compareStates, foldOrder, type StoredState } from './order-fold.js';
import { OrderTimelineService } from './order-timeline.service.js';
import { ReplayRepository } from './replay.repository.js';

/**
 * Replays an order: folds its logged events into the state they imply, asks orders (by event) for the state it
 * stores, and keeps the comparison once the answer arrives.
 */
@Injectable()
export class ReplaysService {
  constructor(
    private readonly outbox: OutboxService,
    private readonly timelines: OrderTimelineService,
    private readonly replays: ReplayRepository,
    private readonly actions: AdminActionRepository,
  ) {}

  async request(principal: Principal, orderId: string, reason?: string): Promise<ReplayRequested> {
    const { entries } = await this.timelines.timeline(orderId);
    const created = entries.find((e) => e.type === 'order.created' && e.tenantId !== null);
    const tenantId = created?.tenantId ?? entries.find((e) => e.tenantId !== null)?.tenantId;
    if (!tenantId) {
      throw new AuditException(
        AuditErrorCode.OrderNotLogged,
        'no logged event of the order names its tenant',
      );
    }
    const replayId = uuidv7();
    await this.outbox.transaction(async (tx) => {
      await this.replays.insert(tx.manager, {
        id: replayId,
        orderId,
        tenantId,
        status: 'pending',
        requestedAt: new Date(),
        completedAt: null,
        folded: foldOrder(orderId, entries),
        stored: null,
        differences: null,
        matches: null,
      });
      await this.actions.record(tx.manager, principal, {
        action: 'order.replay',
        result: 'accepted',
        orderId,
        replayId,
        reason: reason ?? null,
      });
      await tx.publish('order.state_report_requested', { replayId, orderId }, { tenantId, subject: orderId });
    });
    return { replayId, status: 'pending' };
  }

  /** Orders answered: keep what it stores and how that differs from the log. A repeated answer changes nothing. */
  async complete(tx: Tx, report: EventData<'order.state_reported'>): Promise<void> {
    const replay = await this.replays.lockPending(tx.manager, report.replayId);
    if (!replay || replay.orderId !== report.orderId) {
      return;
    }
    const stored: StoredState = {
      found: report.found,
      status: report.status,
      serviceId: report.serviceId,
      steps: report.steps,
      stepCount: report.stepCount,
    };
    replay.stored = stored;
    replay.differences = compareStates(replay.folded, stored);
    replay.matches = replay.differences.length === 0;
    replay.completedAt = new Date();
    await this.replays.complete(tx.manager, replay);
  }

  async get(replayId: string): Promise<ReplayView> {
    const replay = await this.replays.find(replayId);
    if (!replay) {
      throw new AuditException(AuditErrorCode.ReplayNotFound);
    }
    const stored = replay.stored;
    return {
      replayId: replay.id,
      orderId: replay.orderId,
      status: replay.status,
      requestedAt: replay.requestedAt.toISOString(),
      completedAt: replay.completedAt?.toISOString() ?? null,
      folded: replay.folded,
      stored: stored
        ? { found: stored.found, status: stored.status, serviceId: stored.serviceId, steps: stored.steps }
        : null,
      differences: replay.differences ?? [],
      matches: replay.matches,
    };
  }
}
