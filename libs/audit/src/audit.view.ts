import type { AdminAction } from './entities/admin-action.entity.js';
import type { EventLogEntry } from './entities/event-log-entry.entity.js';
import type { AdminActionView, AuditEventView, Page } from './admin-api.view.js';

export function toEventView(e: EventLogEntry): AuditEventView {
  return {
    id: e.id,
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    source: e.source,
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
    key: e.recordKey,
    tenantId: e.tenantId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    orderId: e.orderId,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    headers: e.headers,
    payload: e.payload ?? null,
    rawValue: e.rawValue,
    redriveCount: e.redriveCount,
    deadLetter: e.isDeadLetter
      ? {
          error: e.dlqError,
          attempts: e.dlqAttempts,
          consumerGroup: e.dlqConsumerGroup,
          originalTopic: e.dlqOriginalTopic,
          originalPartition: e.dlqOriginalPartition,
          originalOffset: e.dlqOriginalOffset,
          redriveCount: e.redriveCount,
        }
      : null,
  };
}

export function toActionView(a: AdminAction): AdminActionView {
  return {
    id: a.id,
    action: a.action,
    actor: { userId: a.actorUserId, tenantId: a.actorTenantId, role: a.actorRole },
    at: a.at.toISOString(),
    targetRecordId: a.targetRecordId,
    targetEventId: a.targetEventId,
    targetTopic: a.targetTopic,
    orderId: a.orderId,
    replayId: a.replayId,
    reason: a.reason,
    result: a.result,
    detail: a.detail,
  };
}

/** One page of rows fetched with limit + 1: the extra row only says that there is a next page. */
export function pageOf<R extends { id: string }, V>(rows: R[], limit: number, view: (row: R) => V): Page<V> {
  const page = rows.slice(0, limit);
  return {
    items: page.map(view),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
