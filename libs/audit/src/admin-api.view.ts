// The admin API's answers, as its controllers return them and as the console at /admin reads them. This file
// imports nothing: the console's browser modules import its types, and their tsconfig checks them with the DOM's
// types and without Node's. The server's own types (entities, messaging's lag, the order fold) are checked against
// these where the controllers return them.

export interface DeadLetterView {
  error: string | null;
  attempts: number | null;
  consumerGroup: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  redriveCount: number;
}

/** One logged record as the admin API shows it. Ids and offsets are strings (bigint). */
export interface AuditEventView {
  id: string;
  eventId: string | null;
  type: string;
  version: number | null;
  source: string | null;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  tenantId: string | null;
  correlationId: string | null;
  causationId: string | null;
  orderId: string | null;
  occurredAt: string;
  recordedAt: string;
  headers: Record<string, string>;
  payload: unknown;
  /** The value as text when it is not JSON (payload is then null), and for a dead letter. */
  rawValue: string | null;
  /** Times the record was put back from a DLQ before this copy was written. */
  redriveCount: number;
  deadLetter: DeadLetterView | null;
}

/** A keyset page: nextCursor is the id of its last row, the `cursor` of the next request; null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every record of one event id (a redelivery, a redrive and the dead letter are records of the same event). */
export interface EventRecords {
  eventId: string;
  records: AuditEventView[];
}

export interface AdminActionView {
  id: string;
  action:
    | 'dlq.redrive'
    | 'dlq.redrive_batch'
    | 'order.replay'
    | 'consumers.reset_offsets'
    | 'saga.retry_step'
    | 'saga.fire_timer'
    | 'saga.compensate'
    | 'saga.terminate'
    | 'invoice.void'
    | 'payment.refund'
    | 'service.suspend'
    | 'service.unsuspend'
    | 'service.terminate'
    | 'account.suspend'
    | 'account.unsuspend';
  actor: { userId: string; tenantId: string; role: string };
  at: string;
  /** Audit log row acted on (a redriven dead letter). */
  targetRecordId: string | null;
  targetEventId: string | null;
  targetTopic: string | null;
  orderId: string | null;
  replayId: string | null;
  reason: string | null;
  result: 'accepted' | 'refused';
  detail: string | null;
}

export type DeadLetterListItem = AuditEventView & { redriven: boolean };

export interface RedriveAccepted {
  redrivenTo: string;
  actionId: string;
}

export interface BulkRedriveItem {
  /** The dead letter's row (an id of the DLQ list). */
  id: string;
  eventId: string | null;
  type: string | null;
  topic: string | null;
}

/**
 * One call of a bulk redrive: the selected dead letters (at most the call's limit, oldest first), each either
 * redriven (in a dry run: would be) or refused with the reason. nextCursor: more dead letters match, pass it as the
 * cursor of the next call; null when this call reached the end of the selection.
 */
export interface BulkRedriveResult {
  dryRun: boolean;
  redriven: (BulkRedriveItem & { redrivenTo: string })[];
  refused: (BulkRedriveItem & { code: string; detail: string })[];
  nextCursor: string | null;
  /** The batch's admin action (dlq.redrive_batch); null in a dry run. */
  actionId: string | null;
}

export const TIMELINE_KINDS = ['order', 'saga_step', 'compensation', 'dead_letter', 'event'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry extends AuditEventView {
  /** Causation depth: 0 for a record whose cause is not in the timeline, its cause's depth + 1 otherwise. */
  depth: number;
  kind: TimelineKind;
  label: string;
  /** Operator actions on this record (redrives of a dead letter). */
  actions: AdminActionView[];
}

export interface OrderTimeline {
  orderId: string;
  correlationId: string | null;
  entries: TimelineEntry[];
}

export interface ReplayRequested {
  replayId: string;
  status: 'pending';
}

export interface StateStepView {
  status: string;
  event: string | null;
  eventId: string | null;
  at: string;
}

/** An order's state: as its logged events fold (the replay), or as orders stores it (found: false if it does not). */
export interface OrderStateView {
  status: string | null;
  serviceId: string | null;
  steps: StateStepView[];
}

export interface StateDifferenceView {
  field: 'found' | 'status' | 'serviceId' | 'steps' | 'stepCount';
  logged: string | number | boolean | null | string[];
  stored: string | number | boolean | null | string[];
}

export interface ReplayView {
  replayId: string;
  orderId: string;
  status: 'pending' | 'done';
  requestedAt: string;
  completedAt: string | null;
  folded: OrderStateView;
  stored: (OrderStateView & { found: boolean }) | null;
  differences: StateDifferenceView[];
  matches: boolean | null;
}

/** One consumer group's lag as the broker sees it (messaging's ConsumerGroupLag, which the API returns). */
export interface ConsumerGroupLagView {
  groupId: string;
  lag: number;
  topics: {
    topic: string;
    partitions: { partition: number; committedOffset: number | null; endOffset: number; lag: number }[];
  }[];
}

export interface ConsumerLagView {
  groups: ConsumerGroupLagView[];
}

/** A topic partition of a consumer group: where it committed, the partition's end, what it has still to read. */
export interface PartitionPositionView {
  topic: string;
  partition: number;
  committedOffset: number | null;
  endOffset: number;
  lag: number;
}

/**
 * One consumer group of GET /v1/admin/consumers/groups (the list) and …/groups/:groupId: its state as the broker
 * says it (Stable, Empty, …), its members and their partitions, and its positions. consumer-groups.service.ts's
 * ConsumerGroupView is checked against it (test/architecture/console-views.types.ts).
 */
export interface ConsumerGroupDetailView {
  groupId: string;
  state: string;
  members: {
    memberId: string;
    clientId: string;
    host: string;
    assignment: { topic: string; partitions: number[] }[];
  }[];
  lag: number;
  partitions: PartitionPositionView[];
}

export interface ConsumerGroupsView {
  groups: ConsumerGroupDetailView[];
}
