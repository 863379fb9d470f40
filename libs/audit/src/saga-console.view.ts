// The saga module's console API (GET /v1/admin/sagas, GET /v1/admin/sagas/:orderId, POST …/actions) as the console
// at /admin reads it. Like admin-api.view.ts this file imports nothing: the browser modules import its types, and
// the audit module may not import the saga module. test/architecture/console-views.types.ts checks at compile time
// that what the saga module returns is assignable to these.

export type SagaStatusView = 'running' | 'compensating' | 'completed' | 'failed';

export type SagaActionView = 'retry_step' | 'fire_timer' | 'compensate' | 'terminate';

export type SagaHistoryKindView =
  'decision' | 'timer_set' | 'timer_fired' | 'retry' | 'compensation' | 'operator';

/** One saga instance of the list and of the saga's own page. */
export interface SagaListItemView {
  sagaId: string;
  orderId: string;
  tenantId: string;
  correlationId: string;
  definition: string;
  definitionVersion: number;
  status: SagaStatusView;
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

/** One row of the saga's history: what happened, from which state to which, and what caused it. */
export interface SagaHistoryEntryView {
  id: string;
  at: string;
  kind: SagaHistoryKindView;
  statusBefore: SagaStatusView | null;
  statusAfter: SagaStatusView;
  stepBefore: string | null;
  stepAfter: string;
  causeEventId: string | null;
  causeType: string | null;
  /** decision/retry/compensation: verdict, reason, published; timers: timer (and at); operator: action, reason,
   * actor, outcome and, when refused, refusal and refusalReason. */
  detail: Record<string, unknown>;
}

export interface SagaDetailView extends SagaListItemView {
  history: SagaHistoryEntryView[];
}

export interface SagaPageView {
  items: SagaListItemView[];
  nextCursor: string | null;
}

/** The 202 of an applied operator action; a refused one is a 409 problem whose detail says why. */
export interface SagaActionAppliedView {
  sagaId: string;
  orderId: string;
  action: SagaActionView;
  outcome: 'applied';
  /** The saga.operator_action event, the cause of every event the action published. */
  eventId: string;
  verdict: string;
  decision: string;
  status: SagaStatusView;
  step: string;
  published: string[];
}
