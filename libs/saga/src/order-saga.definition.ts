import type { EventData, EventType, SagaOperatorAction, SagaStatus } from '@app/contracts';
import { RetryLaterError } from '@app/messaging';

/**
 * The order saga as data and pure functions: given an instance and what happened, decide the next state, the
 * commands and events to publish, and the timer to arm. No I/O here, so every path is unit-tested.
 *
 * The decider is total: DECISIONS below names a rule for every (phase × input), and every rule ends in one of four
 * verdicts — act (move forward or record a fact), park (keep the event until the saga reaches the step that uses
 * it), ignore (with the reason logged) or compensate (undo, or answer a late effect with a compensation of its own).
 * Billing is the authority over the invoice: the saga's one money compensation is invoice.void_requested, and billing
 * refunds whatever is captured on the invoice before voiding it, serialized with every charge on the invoice row.
 */
export const DEFINITION = 'vps-order';
export const CURRENT_VERSION = 1;

/** The contracts' saga statuses (SAGA_STATUSES), which reconcile reads back from this module's table. */
export type { SagaStatus };
/** Where a running saga stands; 'complete' once it completed (and in the failure of a saga undone after that). */
export const SAGA_STEPS = ['invoice', 'payment', 'provision', 'complete'] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];
/**
 * Undo steps run in the order listed; notify_failure always closes a compensation. 'refund' is only in instances
 * started before voids refunded (it is still acknowledged by payment.refunded).
 */
export type CompensationStep = 'release' | 'refund' | 'void' | 'cancel' | 'notify_failure';
export const TIMER_KINDS = ['payment_deadline', 'provisioning_deadline', 'provisioning_retry'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** The events the saga consumes after order.created (which starts it). */
export const SAGA_EVENTS = [
  'invoice.generated',
  'payment.received',
  'payment.failed',
  'provisioning.completed',
  'provisioning.failed',
  'provisioning.released',
  'payment.refunded',
  'invoice.voided',
  'order.cancelled',
] as const satisfies readonly EventType[];
export type SagaEventType = (typeof SAGA_EVENTS)[number];
export type InputName = SagaEventType | TimerKind;
export const INPUTS: readonly InputName[] = [...SAGA_EVENTS, ...TIMER_KINDS];

export const PHASES = ['invoice', 'payment', 'provision', 'completed', 'compensating', 'failed'] as const;
export type Phase = (typeof PHASES)[number];

export type Verdict = 'act' | 'park' | 'ignore' | 'compensate';

/** What the saga keeps about its order. Read-only: a rule answers with a new state and never edits the one it got. */
export interface SagaData {
  readonly orderId: string;
  readonly accountId: string;
  readonly planId: string;
  readonly region: string;
  readonly image: string;
  readonly hostname: string;
  readonly invoiceId?: string;
  readonly paymentId?: string;
  readonly serviceId?: string;
  readonly refundId?: string;
  readonly provisionAttempts: number;
  readonly ipv4?: string;
  readonly credentialsSecretId?: string;
  readonly cancelReason?: EventData<'order.cancel_requested'>['reason'];
  /** Declined payments so far; at the configured maximum the order is given up. */
  readonly declines?: number;
  /** The order is cancelled already (the customer's cancel, or the saga's own request answered). */
  readonly orderCancelled?: boolean;
  /** Money was given back on the order, as reported by invoice.voided (or payment.refunded of old instances). */
  readonly refunded?: boolean;
  /** Compensation requests published, so a late event knows whether its compensation is on its way. */
  readonly requested?: readonly CompensationStep[];
  /** Compensations acknowledged by the module that did them. */
  readonly done?: readonly CompensationStep[];
}

export interface SagaFailure {
  readonly step: SagaStep;
  readonly reason: string;
  readonly message: string;
}

export interface SagaState {
  readonly sagaId: string;
  readonly status: SagaStatus;
  readonly step: SagaStep;
  readonly data: SagaData;
  readonly compensations: readonly CompensationStep[];
  readonly failure?: SagaFailure;
}

export type Outgoing = { [T in EventType]: { type: T; data: EventData<T>; subject: string } }[EventType];

export interface Timer {
  kind: TimerKind;
  at: Date;
}

export interface Decision {
  verdict: Verdict;
  /** Why: logged for ignore and park, recorded for the others. */
  reason: string;
  state: SagaState;
  publish: Outgoing[];
  /** undefined: keep the armed timer; null: disarm it. */
  timer?: Timer | null;
}

export interface SagaEnvironment {
  now: Date;
  newId: () => string;
  paymentWindowSeconds: number;
  provisioningDeadlineSeconds: number;
  maxProvisionAttempts: number;
  /** Declined payments after which the order is given up before the payment window closes. */
  maxDeclines: number;
  /** Mails link to the storefront's pages, never to an API route. */
  storefrontUrl: string;
  plan?: { vcpus: number; memoryMb: number; diskGb: number };
  account?: { email: string; name: string };
}

/** One consumed event with its catalog payload, discriminated by its type. */
export interface EventInput<T extends SagaEventType> {
  readonly kind: 'event';
  readonly type: T;
  readonly data: EventData<T>;
}
export interface TimerInput<K extends TimerKind> {
  readonly kind: 'timer';
  readonly timer: K;
}
/** Every input by its name: a rule for input N is given exactly Inputs[N]. */
type Inputs = {
  [N in InputName]: N extends SagaEventType ? EventInput<N> : N extends TimerKind ? TimerInput<N> : never;
};
/** What the decider takes: a discriminated union over the catalog's events it consumes and its timers. */
export type SagaInput = Inputs[InputName];

/** A consumed event as the decider takes it: a listener's type and payload, paired by the catalog. */
export function eventInput<T extends SagaEventType>(type: T, data: EventData<T>): SagaInput {
  const input: EventInput<T> = { kind: 'event', type, data };
  return input as Inputs[T];
}

/**
 * An event read back from where the saga kept it (a parked event): its payload passed the schema of its type when
 * it was consumed, so only the type is checked here. undefined for a type the saga does not consume.
 */
export function storedInput(type: string, data: unknown): SagaInput | undefined {
  return isSagaEvent(type) ? ({ kind: 'event', type, data } as SagaInput) : undefined;
}

export function isSagaEvent(type: string): type is SagaEventType {
  return (SAGA_EVENTS as readonly string[]).includes(type);
}

type CancelReason = NonNullable<SagaData['cancelReason']>;
type Rule<N extends InputName> = (s: SagaState, input: Inputs[N], env: SagaEnvironment) => Decision;
type PhaseRules = { [N in InputName]: Rule<N> };
/** A state and what it publishes: what every helper that moves the saga answers. */
interface Step {
  state: SagaState;
  publish: Outgoing[];
}

/** Events of the instance itself carry its identity. */
function sagaEvent<T extends 'saga.step_completed' | 'saga.compensating' | 'saga.completed' | 'saga.failed'>(
  state: SagaState,
  type: T,
  extra: Omit<EventData<T>, 'sagaId' | 'orderId' | 'definition' | 'definitionVersion'>,
): Outgoing {
  return {
    type,
    subject: state.sagaId,
    data: {
      sagaId: state.sagaId,
      orderId: state.data.orderId,
      definition: DEFINITION,
      definitionVersion: CURRENT_VERSION,
      ...extra,
    } as EventData<T>,
  } as Outgoing;
}

const after = (env: SagaEnvironment, seconds: number): Date => new Date(env.now.getTime() + seconds * 1000);

export function start(sagaId: string, order: EventData<'order.created'>, env: SagaEnvironment): Decision {
  const state: SagaState = {
    sagaId,
    status: 'running',
    step: 'invoice',
    compensations: [],
    data: {
      orderId: order.orderId,
      accountId: order.accountId,
      planId: order.planId,
      region: order.region,
      image: order.image,
      hostname: order.hostname,
      provisionAttempts: 0,
      declines: 0,
    },
  };
  return {
    verdict: 'act',
    reason: 'order created',
    state,
    publish: [
      {
        type: 'saga.started',
        subject: sagaId,
        data: {
          sagaId,
          orderId: order.orderId,
          definition: DEFINITION,
          definitionVersion: CURRENT_VERSION,
          step: 'invoice',
        },
      },
    ],
    // Invoicing and payment share the payment window.
    timer: { kind: 'payment_deadline', at: after(env, env.paymentWindowSeconds) },
  };
}

export function phaseOf(state: SagaState): Phase {
  switch (state.status) {
    case 'running':
      return state.step === 'invoice' ? 'invoice' : state.step === 'payment' ? 'payment' : 'provision';
    case 'compensating':
      return 'compensating';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
  }
}

export function inputName(input: SagaInput): InputName {
  return input.kind === 'timer' ? input.timer : input.type;
}

/** What the saga does with an input in its current state: always a decision, never a silent drop. */
export function decide(state: SagaState, input: SagaInput, env: SagaEnvironment): Decision {
  return applyRule(DECISIONS[phaseOf(state)], inputName(input), input, state, env);
}

/** The rule of input N gets the input as Inputs[N]: the name and the payload stay paired. */
function applyRule<N extends InputName>(
  rules: PhaseRules,
  name: N,
  input: Inputs[N],
  state: SagaState,
  env: SagaEnvironment,
): Decision {
  return rules[name](state, input, env);
}

// ---------------------------------------------------------------------------------------------------------------
// Verdicts and state updates: each returns a new value.

function ignore(state: SagaState, reason: string): Decision {
  return { verdict: 'ignore', reason, state, publish: [] };
}

function park(state: SagaState, reason: string): Decision {
  return { verdict: 'park', reason, state, publish: [] };
}

/** A rule that always ignores or always parks says why in the table itself (it fits any input). */
type Fixed = ((s: SagaState) => Decision) & { summary: string };
const ignoring = (reason: string): Fixed =>
  Object.assign((s: SagaState) => ignore(s, reason), { summary: reason });
const parking = (reason: string): Fixed =>
  Object.assign((s: SagaState) => park(s, reason), { summary: `park: ${reason}` });

const withData = (s: SagaState, data: Partial<SagaData>): SagaState => ({
  ...s,
  data: { ...s.data, ...data },
});

const has = (list: readonly CompensationStep[] | undefined, step: CompensationStep) =>
  (list ?? []).includes(step);

const adding = (
  list: readonly CompensationStep[] | undefined,
  step: CompensationStep,
): CompensationStep[] => [...new Set([...(list ?? []), step])];

// ---------------------------------------------------------------------------------------------------------------
// A rule checks that an event is about this instance's invoice, payment or service.

/** The invoice an event names is the saga's own (or the saga knows no invoice yet and takes it). */
function ownInvoice(s: SagaState, event: { invoiceId: string }): boolean {
  return s.data.invoiceId === undefined || s.data.invoiceId === event.invoiceId;
}

function ownService(s: SagaState, event: { serviceId: string }): boolean {
  return s.data.serviceId !== undefined && event.serviceId === s.data.serviceId;
}

const foreignInvoice = (s: SagaState, event: { invoiceId: string }) =>
  ignore(s, `invoice ${event.invoiceId} is not the order's ${s.data.invoiceId}`);
const foreignService = (s: SagaState, event: { serviceId: string }) =>
  ignore(s, `service ${event.serviceId} is not the order's ${s.data.serviceId}`);

// ---------------------------------------------------------------------------------------------------------------
// Forward rules

const invoiced: Rule<'invoice.generated'> = (s, { data }) => {
  const next: SagaState = { ...withData(s, { invoiceId: data.invoiceId }), step: 'payment' };
  return {
    verdict: 'act',
    reason: 'invoice generated',
    state: next,
    publish: [sagaEvent(next, 'saga.step_completed', { step: 'invoice', nextStep: 'payment' })],
  };
};

const paid: Rule<'payment.received'> = (s, { data }, env) => {
  if (data.invoiceId !== s.data.invoiceId) {
    return ignore(s, `a payment of invoice ${data.invoiceId}, not of the order's ${s.data.invoiceId}`);
  }
  const paying: SagaState = {
    ...withData(s, { paymentId: data.paymentId, serviceId: env.newId() }),
    step: 'provision',
  };
  const { state, publish } = provisioning(paying, env);
  return {
    verdict: 'act',
    reason: 'payment captured',
    state,
    publish: [
      sagaEvent(state, 'saga.step_completed', { step: 'payment', nextStep: 'provision' }),
      ...publish,
    ],
    timer: deadline(env),
  };
};

/**
 * A failed payment does not end the order: the invoice stays payable and the customer is told and may try again
 * until the payment window closes. Only declines count towards the limit (an unavailable provider is not the
 * customer's doing).
 */
const paymentFailed: Rule<'payment.failed'> = (s, { data: failed }, env) => {
  if (failed.invoiceId !== s.data.invoiceId) {
    return ignore(
      s,
      `a failed payment of invoice ${failed.invoiceId}, not of the order's ${s.data.invoiceId}`,
    );
  }
  const next = failed.retryable ? s : withData(s, { declines: (s.data.declines ?? 0) + 1 });
  const declines = next.data.declines ?? 0;
  if (!failed.retryable && declines >= env.maxDeclines) {
    return beginCompensation(
      next,
      'payment_declined',
      `${declines} payments were declined`,
      'payment_failed',
      env,
    );
  }
  return {
    verdict: 'act',
    reason: failed.retryable ? 'payment failed, may be retried' : `payment declined (${declines})`,
    state: next,
    publish: [
      notification(next, env, 'payment-failed', { reason: failed.reason, invoiceId: failed.invoiceId }),
    ],
  };
};

const provisioned: Rule<'provisioning.completed'> = (s, { data: done }, env) => {
  if (!ownService(s, done)) {
    return foreignService(s, done);
  }
  const next: SagaState = {
    ...withData(s, { ipv4: done.ipv4, credentialsSecretId: done.credentialsSecretId }),
    step: 'complete',
    status: 'completed',
  };
  const notify = notification(next, env, 'vps-ready', {
    hostname: done.hostname,
    ipv4: done.ipv4,
    username: done.username,
    credentialsUrl: `${env.storefrontUrl.replace(/\/+$/, '')}/services/${done.serviceId}/credentials`,
  });
  return {
    verdict: 'act',
    reason: 'service ready',
    state: next,
    publish: [
      sagaEvent(next, 'saga.step_completed', { step: 'provision', nextStep: 'notify' }),
      notify,
      sagaEvent(next, 'saga.step_completed', { step: 'notify', nextStep: null }),
      sagaEvent(next, 'saga.completed', { serviceId: done.serviceId }),
    ],
    timer: null,
  };
};

const provisioningFailed: Rule<'provisioning.failed'> = (s, { data: failed }, env) => {
  if (!ownService(s, failed)) {
    return foreignService(s, failed);
  }
  if (failed.retryable && s.data.provisionAttempts < env.maxProvisionAttempts) {
    const backoffSeconds = 2 ** (s.data.provisionAttempts - 1);
    return {
      verdict: 'act',
      reason: `provisioning failed (${failed.reason}), retrying`,
      state: s,
      publish: [],
      timer: { kind: 'provisioning_retry', at: after(env, backoffSeconds) },
    };
  }
  return beginCompensation(s, failed.reason, failed.message, 'provisioning_failed', env);
};

const retryProvisioning: Rule<'provisioning_retry'> = (s, _input, env) => ({
  verdict: 'act',
  reason: 'provisioning retried',
  ...provisioning(s, env),
  timer: deadline(env),
});

// ---------------------------------------------------------------------------------------------------------------
// Rules that start a compensation from a forward phase

const paymentTimeout: Rule<'payment_deadline'> = (s, _input, env) =>
  beginCompensation(
    s,
    'payment_timeout',
    'No payment arrived within the payment window',
    'payment_timeout',
    env,
  );

const provisioningTimeout: Rule<'provisioning_deadline'> = (s, _input, env) =>
  beginCompensation(s, 'provisioning_timeout', 'The VPS was not ready in time', 'provisioning_failed', env);

/** The customer's cancel (orders answered it already): undo what was done; the order needs no cancelling. */
const cancelled: Rule<'order.cancelled'> = (s, _input, env) =>
  beginCompensation(
    withData(s, { orderCancelled: true }),
    'customer_cancelled',
    'The customer cancelled the order',
    'customer_request',
    env,
  );

/** Someone else voided the order's invoice: it can no longer be paid (or its payment was given back). */
const voidedElsewhere: Rule<'invoice.voided'> = (s, { data }, env) => {
  if (!ownInvoice(s, data)) {
    return foreignInvoice(s, data);
  }
  const voided = acknowledge(withData(s, { invoiceId: data.invoiceId }), 'void', data.refunded === true);
  return beginCompensation(voided, 'invoice_voided', 'The invoice was voided', 'operator', env);
};

/** The payment was given back while the service is being built: nobody pays for it any more. */
const refundedElsewhere: Rule<'payment.refunded'> = (s, { data }, env) => {
  if (data.paymentId !== s.data.paymentId) {
    return ignore(s, `payment ${data.paymentId} is not the order's ${s.data.paymentId}`);
  }
  return beginCompensation(
    withData(s, { refunded: true }),
    'payment_refunded',
    'The payment was refunded',
    'operator',
    env,
  );
};

const releasedElsewhere: Rule<'provisioning.released'> = (s, { data }, env) => {
  if (!ownService(s, data)) {
    return foreignService(s, data);
  }
  return beginCompensation(
    acknowledge(s, 'release', false),
    'service_released',
    'The service was released',
    'provisioning_failed',
    env,
  );
};

/**
 * The customer's cancel reached orders before it learnt of the payment, while the saga finished: the order is
 * cancelled, so the service is released and the money given back.
 */
const cancelledAfterCompletion: Rule<'order.cancelled'> = (s, _input, env) =>
  beginCompensation(
    withData(s, { orderCancelled: true }),
    'customer_cancelled',
    'The customer cancelled the order before it was seen as paid',
    'customer_request',
    env,
  );

// ---------------------------------------------------------------------------------------------------------------
// Compensation

function beginCompensation(
  s: SagaState,
  reason: string,
  message: string,
  cancelReason: CancelReason,
  env: SagaEnvironment,
): Decision {
  const failedStep: SagaStep = s.status === 'completed' ? 'complete' : s.step;
  const undo: CompensationStep[] = [];
  if (s.data.serviceId !== undefined && !has(s.data.done, 'release')) {
    undo.push('release');
  }
  // Always: billing refunds what is captured on the invoice when it voids it, and a charge after the void is refused.
  if (!has(s.data.done, 'void')) {
    undo.push('void');
  }
  if (!s.data.orderCancelled) {
    undo.push('cancel');
  }
  const failure: SagaFailure = {
    step: failedStep,
    reason: reason.slice(0, 64),
    message: message.slice(0, 500),
  };
  const compensating: SagaState = {
    ...withData(s, { cancelReason }),
    status: 'compensating',
    compensations: [...undo, 'notify_failure'],
    failure,
  };
  const announce = sagaEvent(compensating, 'saga.compensating', {
    step: failedStep,
    reason: failure.reason,
    compensations: undo.filter((c) => c !== 'cancel'),
  });
  const next = runCompensation(compensating, env);
  return {
    verdict: 'compensate',
    reason,
    state: next.state,
    publish: [announce, ...next.publish],
    timer: null,
  };
}

/**
 * Publishes the request of the compensation at the head of the list, unless it is on its way already, and closes
 * the saga once only the notification is left. A void waits for the invoice id (invoice.generated always comes).
 */
function runCompensation(s: SagaState, env: SagaEnvironment, again = false): Step {
  const reason = s.data.cancelReason ?? 'operator';
  let state = s;
  for (;;) {
    const head = state.compensations[0];
    if (head === undefined) {
      return { state, publish: [] };
    }
    if (head === 'cancel' && state.data.orderCancelled) {
      state = { ...state, compensations: state.compensations.slice(1) };
      continue;
    }
    if (head === 'notify_failure') {
      return closeCompensation(state, env, reason);
    }
    if (has(state.data.requested, head) && !again) {
      return { state, publish: [] };
    }
    const made = compensationRequest(state, head, reason, env);
    return made.request
      ? {
          state: withData(made.state, { requested: adding(state.data.requested, head) }),
          publish: [made.request],
        }
      : { state: made.state, publish: [] };
  }
}

function compensationRequest(
  s: SagaState,
  step: CompensationStep,
  reason: CancelReason,
  env: SagaEnvironment,
): { state: SagaState; request: Outgoing | undefined } {
  const d = s.data;
  switch (step) {
    case 'release':
      return { state: s, request: releaseRequest(s) };
    case 'refund': {
      const refundId = d.refundId ?? env.newId();
      const request: Outgoing | undefined =
        d.paymentId && d.invoiceId
          ? {
              type: 'payment.refund_requested',
              subject: d.paymentId,
              data: {
                refundId,
                paymentId: d.paymentId,
                invoiceId: d.invoiceId,
                orderId: d.orderId,
                reason,
                requestedBy: null,
                note: null,
              },
            }
          : undefined;
      return { state: withData(s, { refundId }), request };
    }
    case 'void':
      return { state: s, request: d.invoiceId ? voidRequest(s, d.invoiceId) : undefined };
    case 'cancel':
      return {
        state: s,
        request: { type: 'order.cancel_requested', subject: d.orderId, data: { orderId: d.orderId, reason } },
      };
    case 'notify_failure':
      return { state: s, request: undefined };
  }
}

function releaseRequest(s: SagaState): Outgoing {
  const serviceId = s.data.serviceId ?? '';
  return {
    type: 'provisioning.release_requested',
    subject: serviceId,
    data: { serviceId, orderId: s.data.orderId, reason: 'compensation' },
  };
}

function voidRequest(s: SagaState, invoiceId: string): Outgoing {
  return {
    type: 'invoice.void_requested',
    subject: invoiceId,
    data: {
      invoiceId,
      orderId: s.data.orderId,
      reason: s.data.cancelReason ?? 'operator',
      requestedBy: null,
      note: null,
    },
  };
}

function closeCompensation(s: SagaState, env: SagaEnvironment, reason: CancelReason): Step {
  const notify = notification(s, env, 'order-cancelled', { reason, refunded: s.data.refunded === true });
  const state: SagaState = { ...s, compensations: [], status: 'failed' };
  return {
    state,
    publish: [
      notify,
      sagaEvent(state, 'saga.failed', {
        step: s.failure?.step ?? s.step,
        reason: s.failure?.reason ?? reason,
        message: s.failure?.message ?? '',
        compensated: true,
      }),
    ],
  };
}

/** A compensation's module answered: it leaves the list (wherever it stood) and the next one runs. */
function acknowledge(s: SagaState, step: CompensationStep, refunded: boolean): SagaState {
  return {
    ...withData(s, { done: adding(s.data.done, step), refunded: s.data.refunded === true || refunded }),
    compensations: s.compensations.filter((c) => c !== step),
  };
}

/** Adds an undo step a late event calls for, ahead of the cancel and the closing notification. */
function insertStep(s: SagaState, step: CompensationStep): SagaState {
  const found = s.compensations.findIndex((c) => c === 'cancel' || c === 'notify_failure');
  const at = found === -1 ? s.compensations.length : found;
  return { ...s, compensations: [...s.compensations.slice(0, at), step, ...s.compensations.slice(at)] };
}

function advanced(s: SagaState, reason: string, env: SagaEnvironment, verdict: Verdict = 'act'): Decision {
  return { verdict, reason, ...runCompensation(s, env) };
}

const releasedDuring: Rule<'provisioning.released'> = (s, { data }, env) =>
  ownService(s, data)
    ? advanced(acknowledge(s, 'release', false), 'service released', env)
    : foreignService(s, data);

const voidedDuring: Rule<'invoice.voided'> = (s, { data }, env) => {
  if (!ownInvoice(s, data)) {
    return foreignInvoice(s, data);
  }
  if (has(s.data.done, 'void')) {
    return ignore(s, 'the invoice was voided already');
  }
  const voided = acknowledge(withData(s, { invoiceId: data.invoiceId }), 'void', data.refunded === true);
  return advanced(voided, 'invoice voided', env);
};

const refundedDuring: Rule<'payment.refunded'> = (s, { data }, env) =>
  has(s.compensations, 'refund') && data.paymentId === s.data.paymentId
    ? advanced(acknowledge(s, 'refund', true), 'payment refunded', env)
    : ignore(s, 'what a void refunds is reported with invoice.voided');

const cancelledDuring: Rule<'order.cancelled'> = (s, _input, env) =>
  advanced(acknowledge(withData(s, { orderCancelled: true }), 'cancel', false), 'order cancelled', env);

const invoicedDuring: Rule<'invoice.generated'> = (s, { data }, env) =>
  s.data.invoiceId !== undefined
    ? ignore(s, 'the invoice is known already')
    : advanced(withData(s, { invoiceId: data.invoiceId }), 'the invoice to void is known', env);

/**
 * A capture during compensation: the void (pending, or added now) refunds it. A capture cannot follow the void at
 * billing, so one that arrives after invoice.voided was refunded by it.
 */
const capturedDuring: Rule<'payment.received'> = (s, { data }, env) => {
  if (!ownInvoice(s, data)) {
    return foreignInvoice(s, data);
  }
  if (has(s.data.done, 'void')) {
    return ignore(s, 'billing refunded the capture when it voided the invoice');
  }
  const captured = withData(s, { invoiceId: data.invoiceId, paymentId: s.data.paymentId ?? data.paymentId });
  if (has(captured.compensations, 'void')) {
    return advanced(captured, 'the pending void refunds the capture', env);
  }
  return advanced(
    insertStep(captured, 'void'),
    'a late capture: the invoice is voided and the capture refunded',
    env,
    'compensate',
  );
};

const completedDuring: Rule<'provisioning.completed'> = (s, { data }, env) => {
  if (!ownService(s, data)) {
    return foreignService(s, data);
  }
  if (has(s.data.done, 'release')) {
    return ignore(s, 'the service was released after it was built');
  }
  if (has(s.compensations, 'release')) {
    return ignore(s, 'the pending release frees the service');
  }
  return advanced(
    { ...s, compensations: ['release', ...s.compensations] },
    'a late build: the service is released',
    env,
    'compensate',
  );
};

// ---------------------------------------------------------------------------------------------------------------
// After the saga closed (failed): a late effect still gets its compensation.

const capturedAfterClose: Rule<'payment.received'> = (s, { data }) => {
  if (s.data.invoiceId !== undefined && data.invoiceId !== s.data.invoiceId) {
    return foreignInvoice(s, data);
  }
  if (has(s.data.done, 'void') || has(s.data.requested, 'void')) {
    return ignore(s, 'billing refunds the captures of the invoice it voids');
  }
  return voidAfterClose(s, data.invoiceId, 'a capture after the saga closed: void and refund');
};

const invoicedAfterClose: Rule<'invoice.generated'> = (s, { data }) =>
  s.data.invoiceId !== undefined
    ? ignore(s, 'the invoice is known already')
    : voidAfterClose(s, data.invoiceId, 'an invoice the closed saga never saw must not stay payable');

function voidAfterClose(s: SagaState, invoiceId: string, reason: string): Decision {
  const state = withData(s, { invoiceId, requested: adding(s.data.requested, 'void') });
  return { verdict: 'compensate', reason, state, publish: [voidRequest(state, invoiceId)] };
}

const completedAfterClose: Rule<'provisioning.completed'> = (s, { data }) => {
  if (!ownService(s, data)) {
    return foreignService(s, data);
  }
  if (has(s.data.done, 'release') || has(s.data.requested, 'release')) {
    return ignore(s, 'the service was released after it was built');
  }
  const state = withData(s, { requested: adding(s.data.requested, 'release') });
  return {
    verdict: 'compensate',
    reason: 'a build after the saga closed: release it',
    state,
    publish: [releaseRequest(state)],
  };
};

// ---------------------------------------------------------------------------------------------------------------
// The table: one rule for every phase and input.

const NO_PROVISIONING = 'no provisioning was requested yet';
const STALE_TIMER = 'a timer of an earlier step';
const CLOSED = 'the saga closed; this changes nothing';
/**
 * A refund (an operator's, from billing's back office) read before the payment it gives back: kept until the saga
 * has taken the payment, then it ends the order like any refund during provisioning.
 */
const REFUND_FIRST = 'the refund overtook its payment';
const RENEWALS = "after completion, billing's renewals carry the order id; they are not the saga's";

export const DECISIONS: Record<Phase, PhaseRules> = {
  invoice: {
    'invoice.generated': invoiced,
    'payment.received': parking('the payment overtook its invoice'),
    'payment.failed': parking('the failed payment overtook its invoice'),
    'provisioning.completed': ignoring(NO_PROVISIONING),
    'provisioning.failed': ignoring(NO_PROVISIONING),
    'provisioning.released': ignoring(NO_PROVISIONING),
    'payment.refunded': parking(REFUND_FIRST),
    'invoice.voided': voidedElsewhere,
    'order.cancelled': cancelled,
    payment_deadline: paymentTimeout,
    provisioning_deadline: ignoring(STALE_TIMER),
    provisioning_retry: ignoring(STALE_TIMER),
  },
  payment: {
    'invoice.generated': ignoring('the invoice is known already'),
    'payment.received': paid,
    'payment.failed': paymentFailed,
    'provisioning.completed': ignoring(NO_PROVISIONING),
    'provisioning.failed': ignoring(NO_PROVISIONING),
    'provisioning.released': ignoring(NO_PROVISIONING),
    'payment.refunded': parking(REFUND_FIRST),
    'invoice.voided': voidedElsewhere,
    'order.cancelled': cancelled,
    payment_deadline: paymentTimeout,
    provisioning_deadline: ignoring(STALE_TIMER),
    provisioning_retry: ignoring(STALE_TIMER),
  },
  provision: {
    'invoice.generated': ignoring('the invoice is known already'),
    'payment.received': ignoring('the order is paid already (billing charges an invoice once)'),
    'payment.failed': ignoring('a failed attempt before the payment that succeeded'),
    'provisioning.completed': provisioned,
    'provisioning.failed': provisioningFailed,
    'provisioning.released': releasedElsewhere,
    'payment.refunded': refundedElsewhere,
    'invoice.voided': voidedElsewhere,
    'order.cancelled': cancelled,
    payment_deadline: ignoring(STALE_TIMER),
    provisioning_deadline: provisioningTimeout,
    provisioning_retry: retryProvisioning,
  },
  completed: {
    'invoice.generated': ignoring(RENEWALS),
    'payment.received': ignoring(RENEWALS),
    'payment.failed': ignoring(RENEWALS),
    'provisioning.completed': ignoring('the service was accepted already'),
    'provisioning.failed': ignoring('the service was accepted already'),
    'provisioning.released': ignoring('a service is released after completion by its subscription'),
    'payment.refunded': ignoring(RENEWALS),
    'invoice.voided': ignoring(RENEWALS),
    'order.cancelled': cancelledAfterCompletion,
    payment_deadline: ignoring(CLOSED),
    provisioning_deadline: ignoring(CLOSED),
    provisioning_retry: ignoring(CLOSED),
  },
  compensating: {
    'invoice.generated': invoicedDuring,
    'payment.received': capturedDuring,
    'payment.failed': ignoring('a failed payment changes nothing while compensating'),
    'provisioning.completed': completedDuring,
    'provisioning.failed': ignoring('the release frees whatever was built'),
    'provisioning.released': releasedDuring,
    'payment.refunded': refundedDuring,
    'invoice.voided': voidedDuring,
    'order.cancelled': cancelledDuring,
    payment_deadline: ignoring(STALE_TIMER),
    provisioning_deadline: ignoring(STALE_TIMER),
    provisioning_retry: ignoring(STALE_TIMER),
  },
  failed: {
    'invoice.generated': invoicedAfterClose,
    'payment.received': capturedAfterClose,
    'payment.failed': ignoring(CLOSED),
    'provisioning.completed': completedAfterClose,
    'provisioning.failed': ignoring(CLOSED),
    'provisioning.released': ignoring(CLOSED),
    'payment.refunded': ignoring(CLOSED),
    'invoice.voided': ignoring(CLOSED),
    'order.cancelled': ignoring(CLOSED),
    payment_deadline: ignoring(CLOSED),
    provisioning_deadline: ignoring(CLOSED),
    provisioning_retry: ignoring(CLOSED),
  },
};

/** DECISIONS as a markdown table (libs/saga/README.md holds it; its spec keeps the two the same). */
export function decisionTable(): string {
  const cell = (rule: PhaseRules[InputName]) => {
    const summary = 'summary' in rule ? (rule as Fixed).summary : undefined;
    return summary === undefined
      ? `**${rule.name}**`
      : summary.startsWith('park')
        ? summary
        : `ignore: ${summary}`;
  };
  const rows = PHASES.flatMap((phase) =>
    INPUTS.map((input) => `| ${phase} | \`${input}\` | ${cell(DECISIONS[phase][input])} |`),
  );
  return ['| phase | input | decision |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * Operator action for an instance stuck in compensation (e.g. one that waited, before this version, for a void
 * billing held back): publishes the request of the compensation it waits for once more. Requests are idempotent.
 */
export function redrive(s: SagaState, env: SagaEnvironment): Decision {
  if (s.status !== 'compensating') {
    return ignore(s, `the saga is ${s.status}, not compensating`);
  }
  if (s.compensations[0] === 'void' && s.data.invoiceId === undefined) {
    return ignore(s, 'the saga waits for its invoice to void it');
  }
  return { verdict: 'compensate', reason: 'operator retry', ...runCompensation(s, env, true) };
}

// ---------------------------------------------------------------------------------------------------------------
// Operator actions (the console): which state allows which action, and what the allowed one decides.

export type OperatorAction = SagaOperatorAction;
export const REFUSALS = [
  'saga_closed',
  'saga_completed',
  'no_timer',
  'already_compensating',
  'nothing_to_retry',
  'waiting_for_invoice',
] as const;
export type RefusalCode = (typeof REFUSALS)[number];
export interface Refusal {
  refusal: RefusalCode;
  reason: string;
}

/** A terminated saga is failed and says so in its failure: nobody undid what it had done. */
export const TERMINATED = 'operator_terminated';

/**
 * An operator's action on an instance whose armed timer is `timer`: the refusal (with the reason the console
 * shows) or the decision, to be applied like any other. A failed or completed saga allows nothing; fire_timer
 * needs a timer; retry_step needs a request to make again (the provisioning request, or the pending undo);
 * compensate needs a running saga; terminate stops a running or compensating one where it stands.
 */
export function operate(
  s: SagaState,
  action: OperatorAction,
  timer: TimerKind | null,
  message: string,
  env: SagaEnvironment,
): Decision | Refusal {
  if (s.status === 'failed') {
    return s.failure?.reason === TERMINATED
      ? refuse('saga_closed', 'the saga was terminated by an operator; nothing is left to do')
      : refuse('saga_closed', 'the saga failed and was compensated; nothing is left to do');
  }
  if (s.status === 'completed') {
    return refuse('saga_completed', "the saga completed; the order's service is its subscription's now");
  }
  switch (action) {
    case 'fire_timer':
      return timer === null
        ? refuse('no_timer', `the saga has no timer armed at step ${s.step}`)
        : decide(s, { kind: 'timer', timer }, env);
    case 'retry_step':
      return retryStep(s, env);
    case 'compensate':
      return s.status === 'compensating'
        ? refuse(
            'already_compensating',
            'the saga is compensating already; retry_step asks for its pending undo again',
          )
        : beginCompensation(s, 'operator_compensated', message, 'operator', env);
    case 'terminate':
      return terminate(s, message);
  }
}

export function isRefusal<T extends object>(outcome: T | Refusal): outcome is Refusal {
  return 'refusal' in outcome;
}

function refuse(refusal: RefusalCode, reason: string): Refusal {
  return { refusal, reason };
}

function retryStep(s: SagaState, env: SagaEnvironment): Decision | Refusal {
  if (s.status === 'compensating') {
    const again = redrive(s, env);
    return again.verdict === 'ignore' ? refuse('waiting_for_invoice', again.reason) : again;
  }
  switch (phaseOf(s)) {
    case 'invoice':
      return refuse(
        'nothing_to_retry',
        'billing invoices the order on its own; the saga asks for nothing here',
      );
    case 'payment':
      return refuse(
        'nothing_to_retry',
        "the saga waits for the customer's payment; it asks for nothing here",
      );
    default:
      return {
        verdict: 'act',
        reason: 'operator retry of provisioning',
        ...provisioning(s, env),
        timer: deadline(env),
      };
  }
}

/** Stops the saga where it stands, undoing nothing: saga.failed says so (compensated false). */
function terminate(s: SagaState, message: string): Decision {
  const failure: SagaFailure = {
    step: s.failure?.step ?? s.step,
    reason: TERMINATED,
    message: message.slice(0, 500),
  };
  const state: SagaState = { ...s, status: 'failed', compensations: [], failure };
  return {
    verdict: 'act',
    reason: 'terminated by an operator',
    state,
    publish: [sagaEvent(state, 'saga.failed', { ...failure, compensated: false })],
    timer: null,
  };
}

// ---------------------------------------------------------------------------------------------------------------

function deadline(env: SagaEnvironment): Timer {
  return { kind: 'provisioning_deadline', at: after(env, env.provisioningDeadlineSeconds) };
}

/** The provisioning request of the order's service, counted as one more attempt. */
function provisioning(s: SagaState, env: SagaEnvironment): Step {
  if (!env.plan) {
    throw new RetryLaterError(`plan ${s.data.planId} is not known to the saga yet`);
  }
  const d = s.data;
  return {
    state: withData(s, { provisionAttempts: d.provisionAttempts + 1 }),
    publish: [
      {
        type: 'provisioning.requested',
        subject: d.serviceId ?? '',
        data: {
          serviceId: d.serviceId ?? '',
          orderId: d.orderId,
          accountId: d.accountId,
          planId: d.planId,
          region: d.region,
          image: d.image,
          hostname: d.hostname,
          resources: { ...env.plan },
        },
      },
    ],
  };
}

function notification(
  s: SagaState,
  env: SagaEnvironment,
  template: string,
  variables: Record<string, string | number | boolean>,
): Outgoing {
  if (!env.account) {
    throw new RetryLaterError(`account ${s.data.accountId} is not known to the saga yet`);
  }
  return {
    type: 'notification.requested',
    subject: s.data.orderId,
    data: {
      notificationId: env.newId(),
      accountId: s.data.accountId,
      template,
      channel: 'email',
      recipient: env.account.email,
      locale: 'en',
      variables: { orderId: s.data.orderId, name: env.account.name, ...variables },
    },
  };
}
