import { exampleEvent, SAGA_OPERATOR_ACTIONS, type SagaOperatorAction } from '@app/contracts';
import {
  decide,
  type Decision,
  isRefusal,
  operate,
  type Refusal,
  type RefusalCode,
  type SagaState,
  start,
  TERMINATED,
  type TimerKind,
  type Verdict,
} from './order-saga.definition.js';
import {
  exampleOrder,
  publishedTypes,
  sagaEnvironment,
  sagaInput,
} from './testing/saga-environment.factory.js';

const env = sagaEnvironment;

const order = exampleOrder;
const types = publishedTypes;

function moved(state: SagaState, type: 'invoice.generated' | 'payment.received' | 'provisioning.completed') {
  const data = {
    ...(exampleEvent(type as 'payment.received') as object),
    orderId: state.data.orderId,
    invoiceId: state.data.invoiceId ?? exampleEvent('invoice.generated').invoiceId,
    serviceId: state.data.serviceId,
  };
  return decide(state, sagaInput(type, data), env()).state;
}

const invoiceStep = () => start('saga-1', order, env()).state;
const paymentStep = () => moved(invoiceStep(), 'invoice.generated');
const provisionStep = () => moved(paymentStep(), 'payment.received');
const timedOut = (s: SagaState) => decide(s, { kind: 'timer', timer: 'payment_deadline' }, env()).state;

/** Every state an operator may find a saga in, with the timer it has armed there (if any). */
const STATES: Record<string, { state: () => SagaState; timer: TimerKind | null }> = {
  invoice: { state: invoiceStep, timer: 'payment_deadline' },
  payment: { state: paymentStep, timer: 'payment_deadline' },
  provision: { state: provisionStep, timer: 'provisioning_deadline' },
  'compensating (void requested)': { state: () => timedOut(paymentStep()), timer: null },
  'compensating (invoice unknown)': { state: () => timedOut(invoiceStep()), timer: null },
  completed: { state: () => moved(provisionStep(), 'provisioning.completed'), timer: null },
  failed: {
    state: () => ({
      ...timedOut(paymentStep()),
      status: 'failed',
      compensations: [],
    }),
    timer: null,
  },
  terminated: {
    state: () => ({
      ...provisionStep(),
      status: 'failed',
      failure: { step: 'provision', reason: TERMINATED, message: 'stopped' },
    }),
    timer: null,
  },
};

type Expected = RefusalCode | Verdict;

/** Which state allows which action: fire_timer is judged with the state's own timer armed. */
const RULES: Record<string, Record<SagaOperatorAction, Expected>> = {
  invoice: {
    retry_step: 'nothing_to_retry',
    fire_timer: 'compensate',
    compensate: 'compensate',
    terminate: 'act',
  },
  payment: {
    retry_step: 'nothing_to_retry',
    fire_timer: 'compensate',
    compensate: 'compensate',
    terminate: 'act',
  },
  provision: { retry_step: 'act', fire_timer: 'compensate', compensate: 'compensate', terminate: 'act' },
  'compensating (void requested)': {
    retry_step: 'compensate',
    fire_timer: 'no_timer',
    compensate: 'already_compensating',
    terminate: 'act',
  },
  'compensating (invoice unknown)': {
    retry_step: 'waiting_for_invoice',
    fire_timer: 'no_timer',
    compensate: 'already_compensating',
    terminate: 'act',
  },
  completed: {
    retry_step: 'saga_completed',
    fire_timer: 'saga_completed',
    compensate: 'saga_completed',
    terminate: 'saga_completed',
  },
  failed: {
    retry_step: 'saga_closed',
    fire_timer: 'saga_closed',
    compensate: 'saga_closed',
    terminate: 'saga_closed',
  },
  terminated: {
    retry_step: 'saga_closed',
    fire_timer: 'saga_closed',
    compensate: 'saga_closed',
    terminate: 'saga_closed',
  },
};

const outcomeOf = (o: Decision | Refusal): Expected => (isRefusal(o) ? o.refusal : o.verdict);

describe('operate (operator actions on a saga)', () => {
  const pairs = Object.keys(STATES).flatMap((name) =>
    SAGA_OPERATOR_ACTIONS.map((action) => [name, action] as const),
  );

  it.each(pairs)('%s × %s follows the rules', (name, action) => {
    const { state, timer } = STATES[name];
    const outcome = operate(state(), action, timer, 'console test', env());
    expect(outcomeOf(outcome)).toBe(RULES[name][action]);
    if (isRefusal(outcome)) {
      expect(outcome.reason.length).toBeGreaterThan(10);
    }
  });

  it.each(Object.keys(STATES))('fire_timer without a timer is refused in %s', (name) => {
    const outcome = operate(STATES[name].state(), 'fire_timer', null, 'now', env());
    expect(isRefusal(outcome) ? outcome.refusal : outcome.verdict).toMatch(
      /^(no_timer|saga_closed|saga_completed)$/,
    );
  });

  it('leaves the state it was given alone', () => {
    const state = provisionStep();
    const snapshot = JSON.stringify(state);
    for (const action of SAGA_OPERATOR_ACTIONS) {
      operate(state, action, 'provisioning_deadline', 'why', env());
    }
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it('fire_timer decides exactly what the due timer would have', () => {
    const fired = operate(paymentStep(), 'fire_timer', 'payment_deadline', 'now', env()) as Decision;
    const due = decide(paymentStep(), { kind: 'timer', timer: 'payment_deadline' }, env());
    expect(fired.state).toEqual(due.state);
    expect(types(fired)).toEqual(['saga.compensating', 'invoice.void_requested']);
    expect(fired.state.failure?.reason).toBe('payment_timeout');
  });

  it('compensate in provisioning releases, voids (which refunds) and cancels, for the operator', () => {
    const d = operate(
      provisionStep(),
      'compensate',
      'provisioning_deadline',
      'customer called',
      env(),
    ) as Decision;
    expect(d.state.status).toBe('compensating');
    expect(d.state.compensations).toEqual(['release', 'void', 'cancel', 'notify_failure']);
    expect(d.state.failure).toEqual({
      step: 'provision',
      reason: 'operator_compensated',
      message: 'customer called',
    });
    expect(d.state.data.cancelReason).toBe('operator');
    expect(types(d)).toEqual(['saga.compensating', 'provisioning.release_requested']);
    expect(d.timer).toBeNull();
  });

  it('retry_step in provisioning asks for the same service again and re-arms the deadline', () => {
    const s = provisionStep();
    const d = operate(s, 'retry_step', 'provisioning_deadline', 'stuck build', env()) as Decision;
    expect(types(d)).toEqual(['provisioning.requested']);
    expect(d.publish[0].data).toMatchObject({ serviceId: s.data.serviceId });
    expect(d.state.data.provisionAttempts).toBe(s.data.provisionAttempts + 1);
    expect(d.timer?.kind).toBe('provisioning_deadline');
  });

  it('retry_step while compensating requests the pending undo again', () => {
    const d = operate(timedOut(paymentStep()), 'retry_step', null, 'billing lost it', env()) as Decision;
    expect(types(d)).toEqual(['invoice.void_requested']);
  });

  it.each(['provision', 'compensating (void requested)'])(
    'terminate in %s stops where it stands: failed, nothing undone, saga.failed compensated false',
    (name) => {
      const before = STATES[name].state();
      const d = operate(before, 'terminate', STATES[name].timer, 'fraud', env()) as Decision;
      expect(d.state.status).toBe('failed');
      expect(d.state.compensations).toEqual([]);
      expect(d.state.failure).toMatchObject({ reason: TERMINATED, message: 'fraud' });
      expect(d.timer).toBeNull();
      expect(d.publish).toHaveLength(1);
      expect(d.publish[0]).toMatchObject({
        type: 'saga.failed',
        data: { reason: TERMINATED, compensated: false, step: before.failure?.step ?? before.step },
      });
    },
  );
});
