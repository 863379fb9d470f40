import { exampleEvent, type EventType } from '@app/contracts';
import {
  decide,
  type Decision,
  type SagaEnvironment,
  type SagaState,
  start,
} from './order-saga.definition.js';

let ids = 0;
const env = (): SagaEnvironment => ({
  now: new Date('2026-11-27T12:00:00Z'),
  newId: () => `00000000-0000-7000-8000-${String(++ids).padStart(12, '0')}`,
  paymentWindowSeconds: 600,
  provisioningDeadlineSeconds: 300,
  maxProvisionAttempts: 3,
  publicBaseUrl: 'https://api.example.com',
  plan: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
  account: { email: 'ops@example.com', name: 'Example' },
});

const order = exampleEvent('order.created');
const types = (d: Decision | undefined) => d?.publish.map((p) => p.type);

function on(state: SagaState, type: EventType, data: unknown): Decision {
  const d = decide(state, { kind: 'event', type, data }, env());
  if (!d) {
    throw new Error(`${type} was ignored in ${state.status}/${state.step}`);
  }
  return d;
}

function paid(): SagaState {
  let s = start('saga-1', order, env()).state;
  s = on(s, 'invoice.generated', { ...exampleEvent('invoice.generated'), orderId: order.orderId }).state;
  const invoiceId = s.data.invoiceId;
  return on(s, 'payment.received', { ...exampleEvent('payment.received'), invoiceId }).state;
}

describe('order saga definition', () => {
  it('starts with saga.started and arms the payment window', () => {
    const d = start('saga-1', order, env());
    expect(types(d)).toEqual(['saga.started']);
    expect(d.state).toMatchObject({ status: 'running', step: 'invoice' });
    expect(d.timer).toEqual({ kind: 'payment_deadline', at: new Date('2026-11-27T12:10:00Z') });
  });

  it('runs invoice → payment → provision → notify → complete', () => {
    const s = paid();
    expect(s.step).toBe('provision');
    expect(s.data.provisionAttempts).toBe(1);
    const done = on(s, 'provisioning.completed', {
      ...exampleEvent('provisioning.completed'),
      serviceId: s.data.serviceId,
    });
    expect(types(done)).toEqual([
      'saga.step_completed',
      'notification.requested',
      'saga.step_completed',
      'saga.completed',
    ]);
    expect(done.state.status).toBe('completed');
    expect(done.timer).toBeNull();
    const notification = done.publish[1]?.data as { variables: Record<string, unknown>; recipient: string };
    expect(notification.recipient).toBe('ops@example.com');
    expect(notification.variables.credentialsUrl).toBe(
      `https://api.example.com/v1/services/${s.data.serviceId}/credentials`,
    );
    expect(JSON.stringify(done.publish)).not.toMatch(/password/i);
  });

  it('compensates a declined payment: void, cancel, notify, failed', () => {
    let s = start('saga-1', order, env()).state;
    s = on(s, 'invoice.generated', { ...exampleEvent('invoice.generated'), orderId: order.orderId }).state;
    const declined = on(s, 'payment.failed', { ...exampleEvent('payment.failed'), retryable: false });
    expect(types(declined)).toEqual(['saga.compensating', 'invoice.void_requested']);
    expect(declined.state.compensations).toEqual(['void', 'cancel', 'notify_failure']);
    const cancel = on(declined.state, 'invoice.voided', exampleEvent('invoice.voided'));
    expect(types(cancel)).toEqual(['order.cancel_requested']);
    expect(cancel.publish[0]?.data).toMatchObject({ reason: 'payment_failed' });
    const end = on(cancel.state, 'order.cancelled', exampleEvent('order.cancelled'));
    expect(types(end)).toEqual(['notification.requested', 'saga.failed']);
    expect(end.state.status).toBe('failed');
  });

  it('ignores a retryable payment failure: the customer may still pay', () => {
    let s = start('saga-1', order, env()).state;
    s = on(s, 'invoice.generated', { ...exampleEvent('invoice.generated'), orderId: order.orderId }).state;
    expect(
      decide(
        s,
        {
          kind: 'event',
          type: 'payment.failed',
          data: { ...exampleEvent('payment.failed'), retryable: true },
        },
        env(),
      ),
    ).toBeUndefined();
  });

  it('cancels on the payment deadline', () => {
    const s = start('saga-1', order, env()).state;
    const d = decide(s, { kind: 'timer', timer: 'payment_deadline' }, env());
    expect(types(d)).toEqual(['saga.compensating', 'order.cancel_requested']);
    expect(d?.publish[1]?.data).toMatchObject({ reason: 'payment_timeout' });
  });

  it('retries retryable provisioning failures with backoff, then compensates in reverse order', () => {
    let s = paid();
    const failure = { ...exampleEvent('provisioning.failed'), serviceId: s.data.serviceId, retryable: true };
    const first = on(s, 'provisioning.failed', failure);
    expect(first.publish).toEqual([]);
    expect(first.timer?.kind).toBe('provisioning_retry');
    s = first.state;
    for (let attempt = 2; attempt <= 3; attempt++) {
      const retry = decide(s, { kind: 'timer', timer: 'provisioning_retry' }, env());
      expect(types(retry)).toEqual(['provisioning.requested']);
      s = retry?.state ?? s;
      expect(s.data.provisionAttempts).toBe(attempt);
      if (attempt < 3) {
        s = on(s, 'provisioning.failed', failure).state;
      }
    }
    const giveUp = on(s, 'provisioning.failed', failure);
    expect(types(giveUp)).toEqual(['saga.compensating', 'provisioning.release_requested']);
    expect(giveUp.state.compensations).toEqual(['release', 'refund', 'void', 'cancel', 'notify_failure']);
    const refund = on(giveUp.state, 'provisioning.released', exampleEvent('provisioning.released'));
    expect(types(refund)).toEqual(['payment.refund_requested']);
    const voiding = on(refund.state, 'payment.refunded', exampleEvent('payment.refunded'));
    expect(types(voiding)).toEqual(['invoice.void_requested']);
    const cancel = on(voiding.state, 'invoice.voided', exampleEvent('invoice.voided'));
    expect(cancel.publish[0]?.data).toMatchObject({ reason: 'provisioning_failed' });
  });

  it('ignores acknowledgements out of turn and events after the end', () => {
    const s = paid();
    const giveUp = on(s, 'provisioning.failed', {
      ...exampleEvent('provisioning.failed'),
      serviceId: s.data.serviceId,
      retryable: false,
    });
    expect(decide(giveUp.state, { kind: 'event', type: 'invoice.voided', data: {} }, env())).toBeUndefined();
    expect(
      decide({ ...s, status: 'completed' }, { kind: 'event', type: 'payment.received', data: {} }, env()),
    ).toBeUndefined();
  });

  it('undoes the invoice when the customer cancels before paying, without cancelling again', () => {
    let s = start('saga-1', order, env()).state;
    s = on(s, 'invoice.generated', { ...exampleEvent('invoice.generated'), orderId: order.orderId }).state;
    const d = on(s, 'order.cancelled', { ...exampleEvent('order.cancelled'), reason: 'customer_request' });
    expect(d.state.compensations).toEqual(['void', 'notify_failure']);
    expect(types(on(d.state, 'invoice.voided', exampleEvent('invoice.voided')))).toEqual([
      'notification.requested',
      'saga.failed',
    ]);
  });
});
