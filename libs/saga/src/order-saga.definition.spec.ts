import { readFileSync } from 'node:fs';
import { exampleEvent, type EventType } from '@app/contracts';
import {
  type CompensationStep,
  decide,
  type Decision,
  DECISIONS,
  decisionTable,
  INPUTS,
  type InputName,
  type Phase,
  phaseOf,
  PHASES,
  redrive,
  type SagaInput,
  type SagaState,
  start,
  TIMER_KINDS,
} from './order-saga.definition.js';
import {
  exampleOrder,
  publishedTypes,
  sagaEnvironment,
  sagaInput,
} from './testing/saga-environment.factory.js';

const env = sagaEnvironment;

const order = exampleOrder;
const FOREIGN = '0192f0a4-0000-7000-8000-00000000dead';
const types = publishedTypes;

function on(state: SagaState, type: EventType, data: unknown): Decision {
  return decide(state, sagaInput(type, data), env());
}

function acted(state: SagaState, type: EventType, data: unknown): Decision {
  const d = on(state, type, data);
  if (d.verdict !== 'act' && d.verdict !== 'compensate') {
    throw new Error(`${type} was ${d.verdict} in ${phaseOf(state)}: ${d.reason}`);
  }
  return d;
}

/** An event about this saga's own invoice, payment and service (or, with foreign, about someone else's). */
function eventFor(state: SagaState, type: EventType, foreign = false): unknown {
  const own = (id: string | undefined) => (foreign ? FOREIGN : (id ?? FOREIGN));
  return {
    ...(exampleEvent(type as 'payment.received') as object),
    orderId: state.data.orderId,
    invoiceId: own(state.data.invoiceId),
    paymentId: own(state.data.paymentId),
    serviceId: own(state.data.serviceId),
  };
}

const started = () => start('saga-1', order, env()).state;
const invoicedState = () =>
  acted(started(), 'invoice.generated', eventFor(started(), 'invoice.generated')).state;
function paidState(): SagaState {
  const s = invoicedState();
  return acted(s, 'payment.received', eventFor(s, 'payment.received')).state;
}
const completedState = () => {
  const s = paidState();
  return acted(s, 'provisioning.completed', eventFor(s, 'provisioning.completed')).state;
};
const failProvisioning = (s: SagaState) =>
  acted(s, 'provisioning.failed', { ...(eventFor(s, 'provisioning.failed') as object), retryable: false });

describe('order saga definition', () => {
  it('starts with saga.started and arms the payment window', () => {
    const d = start('saga-1', order, env());
    expect(types(d)).toEqual(['saga.started']);
    expect(d.state).toMatchObject({ status: 'running', step: 'invoice' });
    expect(d.timer).toEqual({ kind: 'payment_deadline', at: new Date('2026-11-27T12:10:00Z') });
  });

  it('runs invoice → payment → provision → notify → complete; saga.completed names the service', () => {
    const s = paidState();
    expect(s.step).toBe('provision');
    expect(s.data.provisionAttempts).toBe(1);
    const done = acted(s, 'provisioning.completed', eventFor(s, 'provisioning.completed'));
    expect(types(done)).toEqual([
      'saga.step_completed',
      'notification.requested',
      'saga.step_completed',
      'saga.completed',
    ]);
    expect(done.state.status).toBe('completed');
    expect(done.timer).toBeNull();
    expect(done.publish[3]?.data).toMatchObject({ serviceId: s.data.serviceId });
    const notification = done.publish[1]?.data as { variables: Record<string, unknown>; recipient: string };
    expect(notification.recipient).toBe('ops@example.com');
    expect(notification.variables.credentialsUrl).toBe(
      `https://www.example.com/services/${s.data.serviceId}/credentials`,
    );
    expect(JSON.stringify(done.publish)).not.toMatch(/password/i);
  });

  it('a declined payment mails the customer and keeps the invoice payable until the decline limit', () => {
    let s = invoicedState();
    const declined = {
      ...(eventFor(s, 'payment.failed') as object),
      retryable: false,
      reason: 'card_declined',
    };
    for (let n = 1; n < env().maxDeclines; n++) {
      const d = acted(s, 'payment.failed', declined);
      expect(d.verdict).toBe('act');
      expect(types(d)).toEqual(['notification.requested']);
      expect(d.publish[0]?.data).toMatchObject({
        template: 'payment-failed',
        variables: { reason: 'card_declined' },
      });
      expect(d.state).toMatchObject({ status: 'running', step: 'payment' });
      expect(d.timer).toBeUndefined();
      s = d.state;
    }
    // A good card after declines goes on as if nothing happened.
    expect(acted(s, 'payment.received', eventFor(s, 'payment.received')).state.step).toBe('provision');
    const last = acted(s, 'payment.failed', declined);
    expect(last.verdict).toBe('compensate');
    expect(types(last)).toEqual(['saga.compensating', 'invoice.void_requested']);
    expect(last.state.compensations).toEqual(['void', 'cancel', 'notify_failure']);
    expect(last.publish[1]?.data).toMatchObject({ reason: 'payment_failed' });
  });

  it('a retryable payment failure mails but counts no decline', () => {
    const s = invoicedState();
    const d = acted(s, 'payment.failed', { ...(eventFor(s, 'payment.failed') as object), retryable: true });
    expect(types(d)).toEqual(['notification.requested']);
    expect(d.state.data.declines).toBe(0);
  });

  it('the payment deadline before the invoice is known voids it once it arrives, then cancels and mails', () => {
    const s = started();
    const timeout = decide(s, { kind: 'timer', timer: 'payment_deadline' }, env());
    expect(timeout.verdict).toBe('compensate');
    expect(types(timeout)).toEqual(['saga.compensating']);
    expect(timeout.state.compensations).toEqual(['void', 'cancel', 'notify_failure']);
    const invoice = acted(timeout.state, 'invoice.generated', eventFor(s, 'invoice.generated'));
    expect(types(invoice)).toEqual(['invoice.void_requested']);
    const voided = acted(invoice.state, 'invoice.voided', eventFor(invoice.state, 'invoice.voided'));
    expect(types(voided)).toEqual(['order.cancel_requested']);
    expect(voided.publish[0]?.data).toMatchObject({ reason: 'payment_timeout' });
    const end = acted(voided.state, 'order.cancelled', eventFor(voided.state, 'order.cancelled'));
    expect(types(end)).toEqual(['notification.requested', 'saga.failed']);
    expect(end.publish[0]?.data).toMatchObject({ variables: { refunded: false } });
    expect(end.state.status).toBe('failed');
  });

  it('retries retryable provisioning failures with backoff, then releases, voids (refunding), cancels, mails', () => {
    let s = paidState();
    const failure = { ...(eventFor(s, 'provisioning.failed') as object), retryable: true };
    const first = acted(s, 'provisioning.failed', failure);
    expect(first.publish).toEqual([]);
    expect(first.timer?.kind).toBe('provisioning_retry');
    s = first.state;
    for (let attempt = 2; attempt <= 3; attempt++) {
      const retry = decide(s, { kind: 'timer', timer: 'provisioning_retry' }, env());
      expect(types(retry)).toEqual(['provisioning.requested']);
      s = retry.state;
      expect(s.data.provisionAttempts).toBe(attempt);
      if (attempt < 3) {
        s = acted(s, 'provisioning.failed', failure).state;
      }
    }
    const giveUp = acted(s, 'provisioning.failed', failure);
    expect(types(giveUp)).toEqual(['saga.compensating', 'provisioning.release_requested']);
    expect(giveUp.state.compensations).toEqual(['release', 'void', 'cancel', 'notify_failure']);
    const voiding = acted(giveUp.state, 'provisioning.released', eventFor(s, 'provisioning.released'));
    expect(types(voiding)).toEqual(['invoice.void_requested']);
    const cancel = acted(voiding.state, 'invoice.voided', {
      ...(eventFor(s, 'invoice.voided') as object),
      refunded: true,
    });
    expect(cancel.publish[0]?.data).toMatchObject({ reason: 'provisioning_failed' });
    const end = acted(cancel.state, 'order.cancelled', eventFor(s, 'order.cancelled'));
    expect(end.publish[0]?.data).toMatchObject({
      template: 'order-cancelled',
      variables: { refunded: true },
    });
  });

  it('an acknowledgement out of turn is recorded, so its step is not requested again', () => {
    const giveUp = failProvisioning(paidState());
    const early = acted(giveUp.state, 'invoice.voided', eventFor(giveUp.state, 'invoice.voided'));
    expect(early.publish).toEqual([]);
    expect(early.state.compensations).toEqual(['release', 'cancel', 'notify_failure']);
    const next = acted(early.state, 'provisioning.released', eventFor(early.state, 'provisioning.released'));
    expect(types(next)).toEqual(['order.cancel_requested']);
  });

  it("the customer's cancel answers the saga's cancel step; order.cancelled is never asked for twice", () => {
    const giveUp = failProvisioning(paidState());
    // The customer's cancellation arrives before the saga got to its own cancel step.
    const early = acted(giveUp.state, 'order.cancelled', eventFor(giveUp.state, 'order.cancelled'));
    expect(early.publish).toEqual([]);
    const released = acted(
      early.state,
      'provisioning.released',
      eventFor(early.state, 'provisioning.released'),
    );
    const voided = acted(released.state, 'invoice.voided', eventFor(released.state, 'invoice.voided'));
    expect(types(voided)).toEqual(['notification.requested', 'saga.failed']);
  });

  it('undoes the invoice when the customer cancels before paying, without cancelling again', () => {
    const s = invoicedState();
    const d = acted(s, 'order.cancelled', {
      ...(eventFor(s, 'order.cancelled') as object),
      reason: 'customer_request',
    });
    expect(d.state.compensations).toEqual(['void', 'notify_failure']);
    expect(types(acted(d.state, 'invoice.voided', eventFor(s, 'invoice.voided')))).toEqual([
      'notification.requested',
      'saga.failed',
    ]);
  });

  it('a cancel that reaches a completed saga releases the service and voids (refunds) the invoice', () => {
    const s = completedState();
    const d = on(s, 'order.cancelled', eventFor(s, 'order.cancelled'));
    expect(d.verdict).toBe('compensate');
    expect(d.state.compensations).toEqual(['release', 'void', 'notify_failure']);
    expect(types(d)).toEqual(['saga.compensating', 'provisioning.release_requested']);
  });

  it('a late capture during compensation is refunded by the void; after the void it was refunded already', () => {
    const s = invoicedState();
    const cancelled = acted(s, 'order.cancelled', eventFor(s, 'order.cancelled'));
    const capture = on(cancelled.state, 'payment.received', eventFor(s, 'payment.received'));
    expect(capture.verdict).toBe('act');
    expect(capture.publish).toEqual([]);
    expect(capture.state.compensations).toContain('void');
    const voided = acted(capture.state, 'invoice.voided', {
      ...(eventFor(s, 'invoice.voided') as object),
      refunded: true,
    });
    expect(voided.publish[0]?.data).toMatchObject({ variables: { refunded: true } });
    expect(on(voided.state, 'payment.received', eventFor(s, 'payment.received')).verdict).toBe('ignore');
  });

  it('a late build gets a release of its own once the saga closed without one', () => {
    const closed: SagaState = { ...paidState(), status: 'failed', compensations: [] };
    const d = on(closed, 'provisioning.completed', eventFor(closed, 'provisioning.completed'));
    expect(d.verdict).toBe('compensate');
    expect(types(d)).toEqual(['provisioning.release_requested']);
    expect(on(d.state, 'provisioning.completed', eventFor(closed, 'provisioning.completed')).verdict).toBe(
      'ignore',
    );
  });

  it('an operator retry publishes the awaited request again, and refuses when nothing is awaited', () => {
    const giveUp = failProvisioning(paidState());
    expect(types(redrive(giveUp.state, env()))).toEqual(['provisioning.release_requested']);
    expect(redrive(completedState(), env()).verdict).toBe('ignore');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Exhaustive: every phase × input, each from several states of the phase and with own and foreign ids.

function statesOf(phase: Phase): SagaState[] {
  const giveUp = failProvisioning(paidState()).state;
  const timedOut = decide(started(), { kind: 'timer', timer: 'payment_deadline' }, env()).state;
  const declinedOut = (() => {
    let s = invoicedState();
    for (let n = 0; n < env().maxDeclines; n++) {
      s = acted(s, 'payment.failed', {
        ...(eventFor(s, 'payment.failed') as object),
        retryable: false,
      }).state;
    }
    return s;
  })();
  const lateCancel = on(
    completedState(),
    'order.cancelled',
    eventFor(completedState(), 'order.cancelled'),
  ).state;
  const all: SagaState[] = [
    started(),
    invoicedState(),
    paidState(),
    completedState(),
    giveUp,
    timedOut,
    declinedOut,
    lateCancel,
    {
      ...giveUp,
      compensations: ['cancel', 'notify_failure'],
      data: { ...giveUp.data, requested: ['release', 'void', 'cancel'], done: ['release', 'void'] },
    },
    {
      ...giveUp,
      status: 'failed',
      compensations: [],
      data: { ...giveUp.data, requested: ['release', 'void', 'cancel'], done: ['release', 'void', 'cancel'] },
    },
    { ...timedOut, status: 'failed', compensations: [] },
    // An instance of the earlier definition: a refund step, no void requested yet.
    {
      ...giveUp,
      compensations: ['refund', 'void', 'cancel', 'notify_failure'],
      data: { ...giveUp.data, requested: ['refund'] },
    },
  ];
  return all.filter((s) => phaseOf(s) === phase);
}

function inputsFor(state: SagaState, name: InputName): SagaInput[] {
  if ((TIMER_KINDS as readonly string[]).includes(name)) {
    return [{ kind: 'timer', timer: name as (typeof TIMER_KINDS)[number] }];
  }
  const type = name as EventType;
  return [false, true].flatMap((foreign) =>
    [true, false].map((retryable) =>
      sagaInput(type, { ...(eventFor(state, type, foreign) as object), retryable, refunded: !retryable }),
    ),
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
    Object.freeze(value);
  }
  return value;
}

/** The event that answers the compensation at the head of the list, and whether its request is on its way. */
function awaited(s: SagaState): string {
  const head = s.compensations[0] as CompensationStep | undefined;
  if (head === 'void' && s.data.invoiceId === undefined) {
    return 'invoice.generated';
  }
  if (head === 'cancel' && s.data.orderCancelled) {
    return 'nothing: a cancelled order needs no cancel step';
  }
  const requested = (s.data.requested ?? []).includes(head as CompensationStep);
  return requested ? `the answer to ${head}` : `NOTHING: ${head} was never requested`;
}

describe('order saga decision table', () => {
  it('names a rule for every phase and every input', () => {
    expect(Object.keys(DECISIONS).sort()).toEqual([...PHASES].sort());
    for (const phase of PHASES) {
      expect(Object.keys(DECISIONS[phase]).sort()).toEqual([...INPUTS].sort());
    }
  });

  it('every phase has states to try the table on', () => {
    for (const phase of PHASES) {
      expect({ phase, states: statesOf(phase).length > 0 }).toEqual({ phase, states: true });
    }
  });

  const pairs = PHASES.flatMap((phase) => INPUTS.map((input) => [phase, input] as const));

  it.each(pairs)(
    '%s × %s: an explicit decision that leaves nothing waiting for an event no path sends',
    (phase, name) => {
      for (const state of statesOf(phase)) {
        const frozen = JSON.stringify(state);
        for (const input of inputsFor(state, name)) {
          // Pure: a rule that wrote to the state or the input it was given would throw on the frozen copies.
          const d = decide(deepFreeze(structuredClone(state)), deepFreeze(structuredClone(input)), env());
          expect(['act', 'park', 'ignore', 'compensate']).toContain(d.verdict);
          expect(d.reason.length).toBeGreaterThan(0);
          if (d.verdict === 'ignore' || d.verdict === 'park') {
            expect(d.publish).toEqual([]);
            expect(JSON.stringify(d.state)).toBe(frozen);
            expect(d.timer).toBeUndefined();
          }
          // Parked events wait for the step that uses them: the invoice, or (a refund) the payment it gives back.
          if (d.verdict === 'park') {
            expect(phase === 'invoice' || (phase === 'payment' && name === 'payment.refunded')).toBe(true);
          }
          if (d.state.status === 'compensating') {
            expect(awaited(d.state)).not.toMatch(/^NOTHING/);
          }
          if (d.state.status === 'failed' || d.state.status === 'completed') {
            expect(d.state.compensations).toEqual([]);
          }
          if (d.verdict === 'compensate') {
            expect(d.publish.length + (d.state.status === 'compensating' ? 1 : 0)).toBeGreaterThan(0);
          }
          // A late capture of the order's invoice is never left kept: a void is pending, requested or done.
          if (name === 'payment.received' && (phase === 'compensating' || phase === 'failed')) {
            const covered = [
              ...d.state.compensations,
              ...(d.state.data.requested ?? []),
              ...(d.state.data.done ?? []),
            ];
            const own = (input as { data: { invoiceId: string } }).data.invoiceId !== FOREIGN;
            expect({ own, voided: own ? covered.includes('void') : true }).toEqual({ own, voided: true });
          }
          // A late build of the order's service is always released.
          if (name === 'provisioning.completed' && (phase === 'compensating' || phase === 'failed')) {
            const covered = [
              ...d.state.compensations,
              ...(d.state.data.requested ?? []),
              ...(d.state.data.done ?? []),
            ];
            const own = (input as { data: { serviceId: string } }).data.serviceId === state.data.serviceId;
            expect({ own, released: own ? covered.includes('release') : true }).toEqual({
              own,
              released: true,
            });
          }
        }
      }
    },
  );

  it('is the table libs/saga/README.md shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(decisionTable());
  });
});
