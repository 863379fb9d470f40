import type { AuditEventView } from '../admin-api.view.js';

let offset = 0;

/** Test factory: a logged record; by default an event caused by nothing, occurring at the given second. */
export function logged(
  type: string,
  id: string,
  causationId: string | null,
  second: number,
  extra: Partial<AuditEventView> = {},
): AuditEventView {
  offset++;
  return {
    id: String(offset),
    eventId: id,
    type,
    version: 1,
    source: null,
    topic: `p.${type}`,
    partition: 0,
    offset: String(offset),
    key: 'tenant',
    tenantId: 'tenant',
    correlationId: 'c',
    causationId,
    orderId: 'o',
    occurredAt: new Date(Date.UTC(2026, 10, 27, 10, 0, second)).toISOString(),
    recordedAt: new Date(Date.UTC(2026, 10, 27, 10, 1, 0)).toISOString(),
    headers: {},
    payload: { orderId: 'o' },
    rawValue: null,
    redriveCount: 0,
    deadLetter: null,
    ...extra,
  };
}
