import type { EventData, EventType } from '@app/contracts';
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

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'failed';
export type ForwardStep = 'invoice' | 'payment' | 'provision' | 'notify';
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

export interface SagaData {
  orderId: string;
  accountId: string;
  planId: string;
  region: string;
  image: string;
  hostname: string;
  invoiceId?: string;
  paymentId?: string;
  serviceId?: string;
  refundId?: string;
  provisionAttempts: number;
  ipv4?: string;
  credentialsSecretId?: string;
  cancelReason?: EventData<'order.cancel_requested'>['reason'];
  /** Declined payments so far; at the configured maximum the order is given up. */
  declines?: number;
  /** The order is cancelled already (the customer's cancel, or the saga's own request answered). */
  orderCancelled?: boolean;
  /** Money was given back on the order, as reported by invoice.voided (or payment.refunded of old instances). */
  refunded?: boolean;
  /** Compensation requests published, so a late event knows whether its compensation is on its way. */
  requested?: CompensationStep[];
  /** Compensations acknowledged by the module that did them. */
  done?: CompensationStep[];
}

export interface SagaState {
  sagaId: string;
  status: SagaStatus;
  step: string;
  data: SagaData;
  compensations: CompensationStep[];
  failure?: { step: string; reason: string; message: string };
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

export type SagaInput =
  { kind: 'event'; type: EventType; data: unknown } | { kind: 'timer'; timer: TimerKind };

type CancelReason = NonNullable<SagaData['cancelReason']>;
type Rule = (s: SagaState, input: SagaInput, env: SagaEnvironment) => Decision;

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

export function inputName(input: SagaInput): InputName | undefined {
  if (input.kind === 'timer') {
    return input.timer;
  }
  return (SAGA_EVENTS as readonly string[]).includes(input.type) ? (input.type as SagaEventType) : undefined;
}

/** What the saga does with an input in its current state: always a decision, never a silent drop. */
export function decide(state: SagaState, input: SagaInput, env: SagaEnvironment): Decision {
  const name = inputName(input);
  if (!name) {
    return ignore(state, `the saga does not consume ${input.kind === 'event' ? input.type : input.timer}`);
  }
  return DECISIONS[phaseOf(state)][name](copy(state), input, env);
}

function copy(state: SagaState): SagaState {
  return {
    ...state,
    data: { ...state.data },
    compensations: [...state.compensations],
    ...(state.failure ? { failure: { ...state.failure } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Verdicts

function ignore(state: SagaState, reason: string): Decision {
  return { verdict: 'ignore', reason, state, publish: [] };
}

function park(state: SagaState, reason: string): Decision {
  return { verdict: 'park', reason, state, publish: [] };
}

/** A rule that always ignores or always parks says why in the table itself. */
const ignoring = (reason: string): Rule =>
  Object.assign((s: SagaState) => ignore(s, reason), { summary: reason });
const parking = (reason: string): Rule =>
  Object.assign((s: SagaState) => park(s, reason), { summary: `park: ${reason}` });

// ---------------------------------------------------------------------------------------------------------------
// Payloads, read loosely: a rule checks that an event is about this instance's invoice, payment or service.

const invoiceOf = (input: SagaInput) => field(input, 'invoiceId');
const paymentOf = (input: SagaInput) => field(input, 'paymentId');
const serviceOf = (input: SagaInput) => field(input, 'serviceId');

function field(input: SagaInput, name: string): string | undefined {
  if (input.kind !== 'event' || typeof input.data !== 'object' || input.data === null) {
    return undefined;
  }
  const value = (input.data as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function payload<T extends SagaEventType>(input: SagaInput): EventData<T> {
  return (input as { data: EventData<T> }).data;
}

const has = (list: CompensationStep[] | undefined, step: CompensationStep) => (list ?? []).includes(step);

/** The invoice an event names is the saga's own (or the saga knows no invoice yet and takes it). */
function ownInvoice(s: SagaState, input: SagaInput): boolean {
  const invoiceId = invoiceOf(input);
  return invoiceId !== undefined && (s.data.invoiceId === undefined || s.data.invoiceId === invoiceId);
}

function ownService(s: SagaState, input: SagaInput): boolean {
  return s.data.serviceId !== undefined && serviceOf(input) === s.data.serviceId;
}

const foreignInvoice = (s: SagaState, input: SagaInput) =>
  ignore(s, `invoice ${invoiceOf(input)} is not the order's ${s.data.invoiceId}`);
const foreignService = (s: SagaState, input: SagaInput) =>
  ignore(s, `service ${serviceOf(input)} is not the order's ${s.data.serviceId}`);

// ---------------------------------------------------------------------------------------------------------------
// Forward rules

const invoiced: Rule = (s, input) => {
  s.data.invoiceId = invoiceOf(input);
  s.step = 'payment';
  return {
    verdict: 'act',
    reason: 'invoice generated',
    state: s,
    publish: [sagaEvent(s, 'saga.step_completed', { step: 'invoice', nextStep: 'payment' })],
  };
};

const paid: Rule = (s, input, env) => {
  if (invoiceOf(input) !== s.data.invoiceId) {
    return ignore(s, `a payment of invoice ${invoiceOf(input)}, not of the order's ${s.data.invoiceId}`);
  }
  s.data.paymentId = paymentOf(input);
  s.data.serviceId = env.newId();
  s.step = 'provision';
  return {
    verdict: 'act',
    reason: 'payment captured',
    state: s,
    publish: [
      sagaEvent(s, 'saga.step_completed', { step: 'payment', nextStep: 'provision' }),
      provisioningRequest(s, env),
    ],
    timer: deadline(env),
  };
};

/**
 * A failed payment does not end the order: the invoice stays payable and the customer is told and may try again
 * until the payment window closes. Only declines count towards the limit (an unavailable provider is not the
 * customer's doing).
 */
const paymentFailed: Rule = (s, input, env) => {
  if (invoiceOf(input) !== s.data.invoiceId) {
    return ignore(
      s,
      `a failed payment of invoice ${invoiceOf(input)}, not of the order's ${s.data.invoiceId}`,
    );
  }
  const failed = payload<'payment.failed'>(input);
  if (!failed.retryable) {
    s.data.declines = (s.data.declines ?? 0) + 1;
    if (s.data.declines >= env.maxDeclines) {
      return beginCompensation(
        s,
        'payment_declined',
        `${s.data.declines} payments were declined`,
        'payment_failed',
        env,
      );
    }
  }
  return {
    verdict: 'act',
    reason: failed.retryable ? 'payment failed, may be retried' : `payment declined (${s.data.declines})`,
    state: s,
    publish: [notification(s, env, 'payment-failed', { reason: failed.reason, invoiceId: failed.invoiceId })],
  };
};

const provisioned: Rule = (s, input, env) => {
  if (!ownService(s, input)) {
    return foreignService(s, input);
  }
  const done = payload<'provisioning.completed'>(input);
  s.data.ipv4 = done.ipv4;
  s.data.credentialsSecretId = done.credentialsSecretId;
  const notify = notification(s, env, 'vps-ready', {
    hostname: done.hostname,
    ipv4: done.ipv4,
    username: done.username,
    credentialsUrl: `${env.storefrontUrl.replace(/\/+$/, '')}/services/${done.serviceId}/credentials`,
  });
  s.step = 'complete';
  s.status = 'completed';
  return {
    verdict: 'act',
    reason: 'service ready',
    state: s,
    publish: [
      sagaEvent(s, 'saga.step_completed', { step: 'provision', nextStep: 'notify' }),
      notify,
      sagaEvent(s, 'saga.step_completed', { step: 'notify', nextStep: null }),
      sagaEvent(s, 'saga.completed', { serviceId: done.serviceId }),
    ],
    timer: null,
  };
};

const provisioningFailed: Rule = (s, input, env) => {
  if (!ownService(s, input)) {
    return foreignService(s, input);
  }
  const failed = payload<'provisioning.failed'>(input);
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

const retryProvisioning: Rule = (s, _input, env) => ({
  verdict: 'act',
  reason: 'provisioning retried',
  state: s,
  publish: [provisioningRequest(s, env)],
  timer: deadline(env),
});

// ---------------------------------------------------------------------------------------------------------------
// Rules that start a compensation from a forward phase

const paymentTimeout: Rule = (s, _input, env) =>
  beginCompensation(
    s,
    'payment_timeout',
    'No payment arrived within the payment window',
    'payment_timeout',
    env,
  );

const provisioningTimeout: Rule = (s, _input, env) =>
  beginCompensation(s, 'provisioning_timeout', 'The VPS was not ready in time', 'provisioning_failed', env);

/** The customer's cancel (orders answered it already): undo what was done; the order needs no cancelling. */
const cancelled: Rule = (s, _input, env) => {
  s.data.orderCancelled = true;
  return beginCompensation(
    s,
    'customer_cancelled',
    'The customer cancelled the order',
    'customer_request',
    env,
  );
};

/** Someone else voided the order's invoice: it can no longer be paid (or its payment was given back). */
const voidedElsewhere: Rule = (s, input, env) => {
  if (!ownInvoice(s, input)) {
    return foreignInvoice(s, input);
  }
  s.data.invoiceId = invoiceOf(input);
  acknowledge(s, 'void', payload<'invoice.voided'>(input).refunded === true);
  return beginCompensation(s, 'invoice_voided', 'The invoice was voided', 'operator', env);
};

/** The payment was given back while the service is being built: nobody pays for it any more. */
const refundedElsewhere: Rule = (s, input, env) => {
  if (paymentOf(input) !== s.data.paymentId) {
    return ignore(s, `payment ${paymentOf(input)} is not the order's ${s.data.paymentId}`);
  }
  s.data.refunded = true;
  return beginCompensation(s, 'payment_refunded', 'The payment was refunded', 'operator', env);
};

const releasedElsewhere: Rule = (s, input, env) => {
  if (!ownService(s, input)) {
    return foreignService(s, input);
  }
  acknowledge(s, 'release', false);
  return beginCompensation(s, 'service_released', 'The service was released', 'provisioning_failed', env);
};

/**
 * The customer's cancel reached orders before it learnt of the payment, while the saga finished: the order is
 * cancelled, so the service is released and the money given back.
 */
const cancelledAfterCompletion: Rule = (s, _input, env) => {
  s.data.orderCancelled = true;
  return beginCompensation(
    s,
    'customer_cancelled',
    'The customer cancelled the order before it was seen as paid',
    'customer_request',
    env,
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Compensation

function beginCompensation(
  s: SagaState,
  reason: string,
  message: string,
  cancelReason: CancelReason,
  env: SagaEnvironment,
): Decision {
  const failedStep = s.status === 'completed' ? 'complete' : s.step;
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
  s.status = 'compensating';
  s.compensations = [...undo, 'notify_failure'];
  s.failure = { step: failedStep, reason: reason.slice(0, 64), message: message.slice(0, 500) };
  s.data.cancelReason = cancelReason;
  const announce = sagaEvent(s, 'saga.compensating', {
    step: failedStep,
    reason: s.failure.reason,
    compensations: undo.filter((c) => c !== 'cancel'),
  });
  const next = runCompensation(s, env);
  return { verdict: 'compensate', reason, state: s, publish: [announce, ...next], timer: null };
}

/**
 * Publishes the request of the compensation at the head of the list, unless it is on its way already, and closes
 * the saga once only the notification is left. A void waits for the invoice id (invoice.generated always comes).
 */
function runCompensation(s: SagaState, env: SagaEnvironment, again = false): Outgoing[] {
  const d = s.data;
  const reason = d.cancelReason ?? 'operator';
  for (;;) {
    const head = s.compensations[0];
    if (head === undefined) {
      return [];
    }
    if (head === 'cancel' && d.orderCancelled) {
      s.compensations.shift();
      continue;
    }
    if (head === 'notify_failure') {
      return closeCompensation(s, env, reason);
    }
    if (has(d.requested, head) && !again) {
      return [];
    }
    const request = compensationRequest(s, head, reason, env);
    if (request) {
      d.requested = [...new Set([...(d.requested ?? []), head])];
      return [request];
    }
    return [];
  }
}

function compensationRequest(
  s: SagaState,
  step: CompensationStep,
  reason: CancelReason,
  env: SagaEnvironment,
): Outgoing | undefined {
  const d = s.data;
  switch (step) {
    case 'release':
      return releaseRequest(s);
    case 'refund':
      d.refundId ??= env.newId();
      return d.paymentId && d.invoiceId
        ? {
            type: 'payment.refund_requested',
            subject: d.paymentId,
            data: {
              refundId: d.refundId,
              paymentId: d.paymentId,
              invoiceId: d.invoiceId,
              orderId: d.orderId,
              reason,
            },
          }
        : undefined;
    case 'void':
      return d.invoiceId ? voidRequest(s, d.invoiceId) : undefined;
    case 'cancel':
      return { type: 'order.cancel_requested', subject: d.orderId, data: { orderId: d.orderId, reason } };
    case 'notify_failure':
      return undefined;
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
    data: { invoiceId, orderId: s.data.orderId, reason: s.data.cancelReason ?? 'operator' },
  };
}

function closeCompensation(s: SagaState, env: SagaEnvironment, reason: CancelReason): Outgoing[] {
  const refunded = s.data.refunded === true;
  const notify = notification(s, env, 'order-cancelled', { reason, refunded });
  s.compensations = [];
  s.status = 'failed';
  return [
    notify,
    sagaEvent(s, 'saga.failed', {
      step: s.failure?.step ?? s.step,
      reason: s.failure?.reason ?? reason,
      message: s.failure?.message ?? '',
      compensated: true,
    }),
  ];
}

/** A compensation's module answered: it leaves the list (wherever it stood) and the next one runs. */
function acknowledge(s: SagaState, step: CompensationStep, refunded: boolean): void {
  s.data.done = [...new Set([...(s.data.done ?? []), step])];
  s.data.refunded = s.data.refunded === true || refunded;
  s.compensations = s.compensations.filter((c) => c !== step);
}

/** Adds an undo step a late event calls for, ahead of the cancel and the closing notification. */
function insertStep(s: SagaState, step: CompensationStep): void {
  const at = s.compensations.findIndex((c) => c === 'cancel' || c === 'notify_failure');
  s.compensations.splice(at === -1 ? s.compensations.length : at, 0, step);
}

function advanced(s: SagaState, reason: string, env: SagaEnvironment, verdict: Verdict = 'act'): Decision {
  return { verdict, reason, state: s, publish: runCompensation(s, env) };
}

const releasedDuring: Rule = (s, input, env) => {
  if (!ownService(s, input)) {
    return foreignService(s, input);
  }
  acknowledge(s, 'release', false);
  return advanced(s, 'service released', env);
};

const voidedDuring: Rule = (s, input, env) => {
  if (!ownInvoice(s, input)) {
    return foreignInvoice(s, input);
  }
  if (has(s.data.done, 'void')) {
    return ignore(s, 'the invoice was voided already');
  }
  s.data.invoiceId = invoiceOf(input);
  acknowledge(s, 'void', payload<'invoice.voided'>(input).refunded === true);
  return advanced(s, 'invoice voided', env);
};

const refundedDuring: Rule = (s, input, env) => {
  if (!has(s.compensations, 'refund') || paymentOf(input) !== s.data.paymentId) {
    return ignore(s, 'what a void refunds is reported with invoice.voided');
  }
  acknowledge(s, 'refund', true);
  return advanced(s, 'payment refunded', env);
};

const cancelledDuring: Rule = (s, _input, env) => {
  s.data.orderCancelled = true;
  acknowledge(s, 'cancel', false);
  return advanced(s, 'order cancelled', env);
};

const invoicedDuring: Rule = (s, input, env) => {
  if (s.data.invoiceId !== undefined) {
    return ignore(s, 'the invoice is known already');
  }
  s.data.invoiceId = invoiceOf(input);
  return advanced(s, 'the invoice to void is known', env);
};

/**
 * A capture during compensation: the void (pending, or added now) refunds it. A capture cannot follow the void at
 * billing, so one that arrives after invoice.voided was refunded by it.
 */
const capturedDuring: Rule = (s, input, env) => {
  if (!ownInvoice(s, input)) {
    return foreignInvoice(s, input);
  }
  if (has(s.data.done, 'void')) {
    return ignore(s, 'billing refunded the capture when it voided the invoice');
  }
  s.data.invoiceId = invoiceOf(input);
  s.data.paymentId ??= paymentOf(input);
  if (has(s.compensations, 'void')) {
    return advanced(s, 'the pending void refunds the capture', env);
  }
  insertStep(s, 'void');
  return advanced(s, 'a late capture: the invoice is voided and the capture refunded', env, 'compensate');
};

const completedDuring: Rule = (s, input, env) => {
  if (!ownService(s, input)) {
    return foreignService(s, input);
  }
  if (has(s.data.done, 'release')) {
    return ignore(s, 'the service was released after it was built');
  }
  if (has(s.compensations, 'release')) {
    return ignore(s, 'the pending release frees the service');
  }
  s.compensations.unshift('release');
  return advanced(s, 'a late build: the service is released', env, 'compensate');
};

// ---------------------------------------------------------------------------------------------------------------
// After the saga closed (failed): a late effect still gets its compensation.

const capturedAfterClose: Rule = (s, input) => {
  if (s.data.invoiceId !== undefined && invoiceOf(input) !== s.data.invoiceId) {
    return foreignInvoice(s, input);
  }
  if (has(s.data.done, 'void') || has(s.data.requested, 'void')) {
    return ignore(s, 'billing refunds the captures of the invoice it voids');
  }
  return voidAfterClose(s, invoiceOf(input) ?? '', 'a capture after the saga closed: void and refund');
};

const invoicedAfterClose: Rule = (s, input) => {
  if (s.data.invoiceId !== undefined) {
    return ignore(s, 'the invoice is known already');
  }
  return voidAfterClose(
    s,
    invoiceOf(input) ?? '',
    'an invoice the closed saga never saw must not stay payable',
  );
};

function voidAfterClose(s: SagaState, invoiceId: string, reason: string): Decision {
  s.data.invoiceId = invoiceId;
  s.data.requested = [...new Set([...(s.data.requested ?? []), 'void' as const])];
  return { verdict: 'compensate', reason, state: s, publish: [voidRequest(s, invoiceId)] };
}

const completedAfterClose: Rule = (s, input) => {
  if (!ownService(s, input)) {
    return foreignService(s, input);
  }
  if (has(s.data.done, 'release') || has(s.data.requested, 'release')) {
    return ignore(s, 'the service was released after it was built');
  }
  s.data.requested = [...new Set([...(s.data.requested ?? []), 'release' as const])];
  return {
    verdict: 'compensate',
    reason: 'a build after the saga closed: release it',
    state: s,
    publish: [releaseRequest(s)],
  };
};

// ---------------------------------------------------------------------------------------------------------------
// The table: one rule for every phase and input.

const NO_PROVISIONING = 'no provisioning was requested yet';
const STALE_TIMER = 'a timer of an earlier step';
const CLOSED = 'the saga closed; this changes nothing';
const RENEWALS = "after completion, billing's renewals carry the order id; they are not the saga's";

export const DECISIONS: Record<Phase, Record<InputName, Rule>> = {
  invoice: {
    'invoice.generated': invoiced,
    'payment.received': parking('the payment overtook its invoice'),
    'payment.failed': parking('the failed payment overtook its invoice'),
    'provisioning.completed': ignoring(NO_PROVISIONING),
    'provisioning.failed': ignoring(NO_PROVISIONING),
    'provisioning.released': ignoring(NO_PROVISIONING),
    'payment.refunded': ignoring('no payment was captured yet'),
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
    'payment.refunded': ignoring('no payment was captured yet'),
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
  const cell = (rule: Rule) => {
    const summary = (rule as Rule & { summary?: string }).summary;
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
export function redrive(state: SagaState, env: SagaEnvironment): Decision {
  const s = copy(state);
  if (s.status !== 'compensating') {
    return ignore(s, `the saga is ${s.status}, not compensating`);
  }
  if (s.compensations[0] === 'void' && s.data.invoiceId === undefined) {
    return ignore(s, 'the saga waits for its invoice to void it');
  }
  return {
    verdict: 'compensate',
    reason: 'operator retry',
    state: s,
    publish: runCompensation(s, env, true),
  };
}

// ---------------------------------------------------------------------------------------------------------------

function deadline(env: SagaEnvironment): Timer {
  return { kind: 'provisioning_deadline', at: after(env, env.provisioningDeadlineSeconds) };
}

function provisioningRequest(s: SagaState, env: SagaEnvironment): Outgoing {
  if (!env.plan) {
    throw new RetryLaterError(`plan ${s.data.planId} is not known to the saga yet`);
  }
  s.data.provisionAttempts += 1;
  return {
    type: 'provisioning.requested',
    subject: s.data.serviceId ?? '',
    data: {
      serviceId: s.data.serviceId ?? '',
      orderId: s.data.orderId,
      accountId: s.data.accountId,
      planId: s.data.planId,
      region: s.data.region,
      image: s.data.image,
      hostname: s.data.hostname,
      resources: { ...env.plan },
    },
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
