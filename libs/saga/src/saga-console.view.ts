import type { SagaStatus } from '@app/contracts';
import type { SagaInstance } from './entities/saga-instance.entity.js';
import type { Decision, SagaInput } from './order-saga.definition.js';

export const HISTORY_KINDS = [
  'decision',
  'timer_set',
  'timer_fired',
  'retry',
  'compensation',
  'operator',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** One row of saga.history: what happened to an instance, from which state to which, and what caused it. */
export interface HistoryEntry {
  instanceId: string;
  kind: HistoryKind;
  statusBefore: SagaStatus | null;
  statusAfter: SagaStatus;
  stepBefore: string | null;
  stepAfter: string;
  causeEventId: string | null;
  causeType: string | null;
  detail: Record<string, unknown>;
}

export interface Before {
  status: SagaStatus | null;
  step: string | null;
}

/** What caused a decision: an event (its id and type), a timer, or an operator. */
export interface Cause {
  eventId: string | null;
  type: string;
}

export interface Deadlines {
  paymentWindowSeconds: number;
  provisioningDeadlineSeconds: number;
}

/**
 * How long a saga may go without progress at its step before the console calls it stuck: invoicing and payment
 * share the payment window, provisioning has its deadline, and a compensation (machine work only) is given the
 * provisioning deadline too. A closed saga is never stuck. SagaRepository.list filters with the same rule in SQL.
 */
export function stepDeadlineSeconds(status: SagaStatus, step: string, d: Deadlines): number | null {
  switch (status) {
    case 'running':
      return step === 'invoice' || step === 'payment'
        ? d.paymentWindowSeconds
        : d.provisioningDeadlineSeconds;
    case 'compensating':
      return d.provisioningDeadlineSeconds;
    case 'completed':
    case 'failed':
      return null;
  }
}

/**
 * What a decision answered: order.created (the start), an event or a timer, a request made again (retry), or
 * another operator action.
 */
export type Answered = SagaInput | { kind: 'start' } | { kind: 'retry' } | { kind: 'operator' };

/**
 * The rows one applied decision writes: the timer that fired (if one did), the decision itself — a retry (a
 * request made again), a compensation, or any other decision, ignores and parks included — and the timer it armed.
 */
export function decisionEntries(
  instance: SagaInstance,
  before: Before,
  input: Answered,
  decision: Decision,
  cause: Cause,
): HistoryEntry[] {
  const row = (kind: HistoryKind, detail: Record<string, unknown>): HistoryEntry => ({
    instanceId: instance.id,
    kind,
    statusBefore: before.status,
    statusAfter: instance.status,
    stepBefore: before.step,
    stepAfter: instance.step,
    causeEventId: cause.eventId,
    causeType: cause.type,
    detail,
  });
  const entries: HistoryEntry[] = [];
  if (input.kind === 'timer') {
    entries.push(row('timer_fired', { timer: input.timer }));
  }
  const published = decision.publish.map((p) => p.type);
  const retried =
    input.kind === 'timer'
      ? input.timer === 'provisioning_retry' && decision.verdict === 'act'
      : input.kind === 'retry';
  const kind: HistoryKind = retried
    ? 'retry'
    : decision.verdict === 'compensate'
      ? 'compensation'
      : 'decision';
  entries.push(row(kind, { verdict: decision.verdict, reason: decision.reason, published }));
  if (decision.timer) {
    entries.push(row('timer_set', { timer: decision.timer.kind, at: decision.timer.at.toISOString() }));
  }
  return entries;
}

export interface SagaView {
  sagaId: string;
  orderId: string;
  tenantId: string;
  correlationId: string;
  definition: string;
  definitionVersion: number;
  status: SagaStatus;
  step: string;
  compensations: string[];
  failure: { step: string; reason: string; message: string } | null;
  timer: { kind: string; at: string } | null;
  /** When the saga is stuck if it has not moved by then (null for a closed saga). */
  deadlineAt: string | null;
  stuck: boolean;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export function toView(instance: SagaInstance, deadlines: Deadlines, now = new Date()): SagaView {
  const seconds = stepDeadlineSeconds(instance.status, instance.step, deadlines);
  const deadlineAt = seconds === null ? null : new Date(instance.updatedAt.getTime() + seconds * 1000);
  return {
    sagaId: instance.id,
    orderId: instance.orderId,
    tenantId: instance.tenantId,
    correlationId: instance.correlationId,
    definition: instance.definition,
    definitionVersion: instance.definitionVersion,
    status: instance.status,
    step: instance.step,
    compensations: [...instance.compensations],
    failure: instance.failure,
    timer:
      instance.timerKind && instance.timerAt
        ? { kind: instance.timerKind, at: instance.timerAt.toISOString() }
        : null,
    deadlineAt: deadlineAt?.toISOString() ?? null,
    stuck: deadlineAt !== null && deadlineAt.getTime() < now.getTime(),
    data: { ...instance.data },
    createdAt: instance.createdAt.toISOString(),
    updatedAt: instance.updatedAt.toISOString(),
  };
}
