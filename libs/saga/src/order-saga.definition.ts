import type { EventData, EventType } from '@app/contracts';
import { RetryLaterError } from '@app/messaging';

/**
 * The order saga as data and pure functions: given an instance and what happened, decide the next state, the
 * commands and events to publish, and the timer to arm. No I/O here, so every path is unit-tested.
 */
export const DEFINITION = 'vps-order';
export const CURRENT_VERSION = 1;

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'failed';
export type ForwardStep = 'invoice' | 'payment' | 'provision' | 'notify';
/** Undo steps run in the order listed; cancel and notify always close a compensation. */
export type CompensationStep = 'release' | 'refund' | 'void' | 'cancel' | 'notify_failure';
export type TimerKind = 'payment_deadline' | 'provisioning_deadline' | 'provisioning_retry';

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
  publicBaseUrl: string;
  plan?: { vcpus: number; memoryMb: number; diskGb: number };
  account?: { email: string; name: string };
}

export type SagaInput =
  { kind: 'event'; type: EventType; data: unknown } | { kind: 'timer'; timer: TimerKind };

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
    },
  };
  return {
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

/** Returns undefined when the input does not concern the instance in its current state (late or repeated). */
export function decide(state: SagaState, input: SagaInput, env: SagaEnvironment): Decision | undefined {
  if (state.status === 'running') {
    return forward(state, input, env);
  }
  if (state.status === 'compensating') {
    return compensate(state, input, env);
  }
  return undefined;
}

function forward(state: SagaState, input: SagaInput, env: SagaEnvironment): Decision | undefined {
  const s: SagaState = { ...state, data: { ...state.data } };
  if (input.kind === 'timer') {
    if (input.timer === 'payment_deadline' && (s.step === 'invoice' || s.step === 'payment')) {
      return beginCompensation(
        s,
        'payment_timeout',
        'No payment arrived within the payment window',
        'payment_timeout',
        env,
      );
    }
    if (input.timer === 'provisioning_deadline' && s.step === 'provision') {
      return beginCompensation(
        s,
        'provisioning_timeout',
        'The VPS was not ready in time',
        'provisioning_failed',
        env,
      );
    }
    if (input.timer === 'provisioning_retry' && s.step === 'provision') {
      return { state: s, publish: [provisioningRequest(s, env)], timer: deadline(env) };
    }
    return undefined;
  }
  switch (input.type) {
    case 'invoice.generated': {
      if (s.step !== 'invoice') {
        return undefined;
      }
      s.data.invoiceId = (input.data as EventData<'invoice.generated'>).invoiceId;
      s.step = 'payment';
      return {
        state: s,
        publish: [sagaEvent(s, 'saga.step_completed', { step: 'invoice', nextStep: 'payment' })],
      };
    }
    case 'payment.received': {
      const payment = input.data as EventData<'payment.received'>;
      if (s.step !== 'payment' || payment.invoiceId !== s.data.invoiceId) {
        return undefined;
      }
      s.data.paymentId = payment.paymentId;
      s.data.serviceId = env.newId();
      s.step = 'provision';
      return {
        state: s,
        publish: [
          sagaEvent(s, 'saga.step_completed', { step: 'payment', nextStep: 'provision' }),
          provisioningRequest(s, env),
        ],
        timer: deadline(env),
      };
    }
    case 'payment.failed': {
      const failed = input.data as EventData<'payment.failed'>;
      if (s.step !== 'payment' || failed.retryable) {
        // A retryable failure leaves the customer the rest of the payment window to try again.
        return undefined;
      }
      return beginCompensation(s, failed.reason, 'The payment was declined', 'payment_failed', env);
    }
    case 'provisioning.completed': {
      const done = input.data as EventData<'provisioning.completed'>;
      if (s.step !== 'provision' || done.serviceId !== s.data.serviceId) {
        return undefined;
      }
      s.data.ipv4 = done.ipv4;
      s.data.credentialsSecretId = done.credentialsSecretId;
      s.step = 'notify';
      const notify = notification(s, env, 'vps-ready', {
        hostname: done.hostname,
        ipv4: done.ipv4,
        username: done.username,
        credentialsUrl: `${env.publicBaseUrl}/v1/services/${done.serviceId}/credentials`,
      });
      s.step = 'complete';
      s.status = 'completed';
      return {
        state: s,
        publish: [
          sagaEvent(s, 'saga.step_completed', { step: 'provision', nextStep: 'notify' }),
          notify,
          sagaEvent(s, 'saga.step_completed', { step: 'notify', nextStep: null }),
          sagaEvent(s, 'saga.completed', {}),
        ],
        timer: null,
      };
    }
    case 'order.cancelled': {
      // The customer cancelled before paying: undo what was done, but the order needs no cancelling.
      if (s.step !== 'invoice' && s.step !== 'payment') {
        return undefined;
      }
      return beginCompensation(
        s,
        'customer_cancelled',
        'The customer cancelled the order',
        'customer_request',
        env,
        false,
      );
    }
    case 'provisioning.failed': {
      const failed = input.data as EventData<'provisioning.failed'>;
      if (s.step !== 'provision' || failed.serviceId !== s.data.serviceId) {
        return undefined;
      }
      if (failed.retryable && s.data.provisionAttempts < env.maxProvisionAttempts) {
        const backoffSeconds = 2 ** (s.data.provisionAttempts - 1);
        return {
          state: s,
          publish: [],
          timer: { kind: 'provisioning_retry', at: after(env, backoffSeconds) },
        };
      }
      return beginCompensation(s, failed.reason, failed.message, 'provisioning_failed', env);
    }
    default:
      return undefined;
  }
}

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

function beginCompensation(
  s: SagaState,
  reason: string,
  message: string,
  cancelReason: NonNullable<SagaData['cancelReason']>,
  env: SagaEnvironment,
  cancelOrder = true,
): Decision {
  const failedStep = s.step;
  const undo: CompensationStep[] = [];
  if (failedStep === 'provision') {
    undo.push('release');
  }
  if (s.data.paymentId) {
    undo.push('refund');
  }
  if (s.data.invoiceId) {
    undo.push('void');
  }
  s.status = 'compensating';
  s.compensations = [...undo, ...(cancelOrder ? (['cancel'] as const) : []), 'notify_failure'];
  s.failure = { step: failedStep, reason: reason.slice(0, 64), message: message.slice(0, 500) };
  s.data.cancelReason = cancelReason;
  const first = runCompensation(s, env);
  return {
    state: first.state,
    publish: [
      sagaEvent(s, 'saga.compensating', {
        step: failedStep,
        reason: s.failure.reason,
        compensations: s.compensations.filter((c) => c !== 'notify_failure' && c !== 'cancel'),
      }),
      ...first.publish,
    ],
    timer: null,
  };
}

/** Publishes the request for the compensation at the head of the list. */
function runCompensation(s: SagaState, env: SagaEnvironment): Decision {
  const head = s.compensations[0];
  const d = s.data;
  const reason = d.cancelReason ?? 'operator';
  switch (head) {
    case 'release':
      return {
        state: s,
        publish: [
          {
            type: 'provisioning.release_requested',
            subject: d.serviceId ?? '',
            data: { serviceId: d.serviceId ?? '', orderId: d.orderId, reason: 'compensation' },
          },
        ],
      };
    case 'refund':
      d.refundId ??= env.newId();
      return {
        state: s,
        publish: [
          {
            type: 'payment.refund_requested',
            subject: d.paymentId ?? '',
            data: {
              refundId: d.refundId,
              paymentId: d.paymentId ?? '',
              invoiceId: d.invoiceId ?? '',
              orderId: d.orderId,
              reason,
            },
          },
        ],
      };
    case 'void':
      return {
        state: s,
        publish: [
          {
            type: 'invoice.void_requested',
            subject: d.invoiceId ?? '',
            data: { invoiceId: d.invoiceId ?? '', orderId: d.orderId, reason },
          },
        ],
      };
    case 'cancel':
      return {
        state: s,
        publish: [
          { type: 'order.cancel_requested', subject: d.orderId, data: { orderId: d.orderId, reason } },
        ],
      };
    case 'notify_failure': {
      const notify = notification(s, env, 'order-cancelled', { reason, refunded: Boolean(d.refundId) });
      s.compensations = [];
      s.status = 'failed';
      return {
        state: s,
        publish: [
          notify,
          sagaEvent(s, 'saga.failed', {
            step: s.failure?.step ?? s.step,
            reason: s.failure?.reason ?? reason,
            message: s.failure?.message ?? '',
            compensated: true,
          }),
        ],
      };
    }
    case undefined:
      return { state: s, publish: [] };
  }
}

const ACKNOWLEDGES: Partial<Record<EventType, CompensationStep>> = {
  'provisioning.released': 'release',
  'payment.refunded': 'refund',
  'invoice.voided': 'void',
  'order.cancelled': 'cancel',
};

function compensate(state: SagaState, input: SagaInput, env: SagaEnvironment): Decision | undefined {
  if (input.kind !== 'event' || ACKNOWLEDGES[input.type] !== state.compensations[0]) {
    return undefined;
  }
  const s: SagaState = { ...state, data: { ...state.data }, compensations: state.compensations.slice(1) };
  return runCompensation(s, env);
}
