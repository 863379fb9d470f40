import type { AdminActionView, AuditEventView, TimelineEntry, TimelineKind } from './admin-api.view.js';

/** Events the order saga sends to undo a step, and the saga's own announcement that it is undoing. */
export const COMPENSATION_TYPES: ReadonlySet<string> = new Set([
  'saga.compensating',
  'provisioning.release_requested',
  'payment.refund_requested',
  'invoice.void_requested',
  'order.cancel_requested',
]);

type Data = Record<string, unknown>;

const text = (data: Data, field: string): string | undefined => {
  const value = data[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};

const humanize = (type: string): string => type.replace(/[._]/g, ' ');

export function kindOf(event: AuditEventView): TimelineKind {
  if (event.deadLetter) {
    return 'dead_letter';
  }
  if (COMPENSATION_TYPES.has(event.type)) {
    return 'compensation';
  }
  if (event.type.startsWith('saga.')) {
    return 'saga_step';
  }
  return event.type.startsWith('order.') ? 'order' : 'event';
}

const COMPENSATION_LABELS: Record<string, string> = {
  'provisioning.release_requested': 'release requested',
  'payment.refund_requested': 'refund requested',
  'invoice.void_requested': 'invoice void requested',
  'order.cancel_requested': 'cancel requested',
};

/** A short line saying what the record means, for people reading the timeline. */
export function labelOf(event: AuditEventView): string {
  const data: Data =
    event.payload !== null && typeof event.payload === 'object' && !Array.isArray(event.payload)
      ? (event.payload as Data)
      : {};
  const reason = text(data, 'reason');
  const because = reason ? ` (${reason})` : '';
  if (event.deadLetter) {
    const { consumerGroup, attempts, error } = event.deadLetter;
    const times = attempts === null ? 'its attempts' : `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    return `dead-lettered by ${consumerGroup ?? 'a consumer'} after ${times}: ${error ?? 'no reason recorded'}`;
  }
  let label: string;
  switch (event.type) {
    case 'saga.started':
      label = `saga ${text(data, 'definition') ?? ''}`.trim() + ` started → ${text(data, 'step') ?? '?'}`;
      break;
    case 'saga.step_completed':
      label = `saga step ${text(data, 'step') ?? '?'} completed → ${text(data, 'nextStep') ?? 'end'}`;
      break;
    case 'saga.completed':
      label = 'saga completed';
      break;
    case 'saga.failed':
      label =
        `saga failed at ${text(data, 'step') ?? '?'}${because}` +
        (data.compensated === false ? ', not fully compensated' : '');
      break;
    case 'saga.compensating': {
      const undo = Array.isArray(data.compensations) ? data.compensations.map(String).join(', ') : '';
      label = `compensation: saga undoing ${undo || 'nothing'} after ${text(data, 'step') ?? '?'} failed${because}`;
      break;
    }
    case 'order.completed':
      label = `order completed${data.serviceId ? ` (service ${text(data, 'serviceId')})` : ''}`;
      break;
    // A customer's action on the order's service, long after the order: which one, and how it ended.
    case 'service.action_requested':
      label = `customer action ${text(data, 'action') ?? '?'} requested on service ${text(data, 'serviceId') ?? '?'}`;
      break;
    case 'service.action_completed':
      label =
        `customer action ${text(data, 'action') ?? '?'} completed` +
        (data.credentialsSecretId ? ', new one-time credentials issued' : '');
      break;
    case 'service.action_failed':
      label = `customer action ${text(data, 'action') ?? '?'} failed${because}`;
      break;
    default: {
      const compensation = COMPENSATION_LABELS[event.type];
      label = compensation ? `compensation: ${compensation}${because}` : `${humanize(event.type)}${because}`;
    }
  }
  return event.redriveCount > 0 ? `${label} (redriven, #${event.redriveCount})` : label;
}

const compareOffsets = (a: string, b: string): number => a.length - b.length || a.localeCompare(b);

/** Copies of one event keep its time: the original, its dead letter, the redriven copy, its dead letter, … */
const generation = (e: AuditEventView): number => e.redriveCount * 2 + (e.deadLetter ? 1 : 0);

/** Ties between records ready at the same time: earlier first, then by position in the log. */
function earlier(a: AuditEventView, b: AuditEventView): number {
  return (
    (a.eventId !== null && a.eventId === b.eventId ? generation(a) - generation(b) : 0) ||
    a.occurredAt.localeCompare(b.occurredAt) ||
    a.topic.localeCompare(b.topic) ||
    a.partition - b.partition ||
    compareOffsets(a.offset, b.offset) ||
    compareOffsets(a.id, b.id)
  );
}

/** The copy of an event that stands for it: the original record rather than its DLQ or redriven copies. */
function primaryCopies(events: AuditEventView[]): Map<string, AuditEventView> {
  const primary = new Map<string, AuditEventView>();
  for (const e of events) {
    if (e.eventId === null) {
      continue;
    }
    const current = primary.get(e.eventId);
    if (!current || earlier(e, current) < 0) {
      primary.set(e.eventId, e);
    }
  }
  return primary;
}

/**
 * Puts records in causal order: a record comes after the record that caused it (causationId → eventId); among
 * records whose causes are all placed, the earliest goes first. Copies of an event (its dead letter, a redriven
 * copy) hang under the original. Records whose cause is not in the set start a branch of their own.
 */
export function causalOrder(events: AuditEventView[]): { event: AuditEventView; depth: number }[] {
  const primary = primaryCopies(events);
  const children = new Map<AuditEventView, AuditEventView[]>();
  const roots: AuditEventView[] = [];
  for (const e of events) {
    const own = e.eventId === null ? undefined : primary.get(e.eventId);
    const cause = own && own !== e ? own : e.causationId === null ? undefined : primary.get(e.causationId);
    if (cause && cause !== e) {
      children.set(cause, [...(children.get(cause) ?? []), e]);
    } else {
      roots.push(e);
    }
  }
  const ordered: { event: AuditEventView; depth: number }[] = [];
  const placed = new Set<AuditEventView>();
  const ready: { event: AuditEventView; depth: number }[] = roots.map((event) => ({ event, depth: 0 }));
  while (ordered.length < events.length) {
    if (ready.length === 0) {
      // Only a causation cycle (which ids minted by uuidv7 cannot form) leaves records unreached.
      const rest = events.filter((e) => !placed.has(e)).sort(earlier);
      if (rest[0]) {
        ready.push({ event: rest[0], depth: 0 });
      }
    }
    ready.sort((a, b) => earlier(a.event, b.event));
    const next = ready.shift();
    if (!next) {
      break;
    }
    if (placed.has(next.event)) {
      continue;
    }
    placed.add(next.event);
    ordered.push(next);
    for (const child of children.get(next.event) ?? []) {
      if (!placed.has(child)) {
        ready.push({ event: child, depth: next.depth + 1 });
      }
    }
  }
  return ordered;
}

export function orderTimeline(events: AuditEventView[], actions: AdminActionView[] = []): TimelineEntry[] {
  return causalOrder(events).map(({ event, depth }) => ({
    ...event,
    depth,
    kind: kindOf(event),
    label: labelOf(event),
    actions: actions.filter((a) => a.targetRecordId === event.id),
  }));
}
