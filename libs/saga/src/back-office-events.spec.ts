import { exampleEvent, type EventType } from '@app/contracts';
import { decide, type Decision, type SagaState, start } from './order-saga.definition.js';
import {
  exampleOrder,
  publishedTypes,
  sagaEnvironment,
  sagaInput,
} from './testing/saga-environment.factory.js';

/**
 * Billing's back office voids invoices and refunds payments on an operator's word, without the saga asking. The
 * saga reads the invoice.voided / payment.refunded that follow like any it did not ask for: a void before payment
 * ends the order through the usual compensation (the order is cancelled and the customer told), a refund while
 * the service is built releases it, a refund read before its payment waits for it, and after completion the
 * saga has nothing left to do (the service is its subscription's; the operator suspends or terminates it there).
 */
const env = sagaEnvironment;

const order = exampleOrder;
const INVOICE = '0192f0a4-3b1e-7c2d-8e4f-00000000a001';
const PAYMENT = '0192f0a4-3b1e-7c2d-8e4f-00000000b001';
const types = publishedTypes;

function on(state: SagaState, type: EventType, extra: Record<string, unknown> = {}): Decision {
  const data = {
    ...(exampleEvent(type as 'payment.received') as object),
    orderId: order.orderId,
    invoiceId: INVOICE,
    paymentId: PAYMENT,
    serviceId: state.data.serviceId ?? PAYMENT,
    ...extra,
  };
  return decide(state, sagaInput(type, data), env());
}

const awaitingPayment = () => on(start('saga-1', order, env()).state, 'invoice.generated').state;
const building = () => on(awaitingPayment(), 'payment.received').state;
const operatorVoid = { reason: 'operator', refunded: false };
const operatorRefund = { reason: 'operator', refundId: '0192f0a4-3b1e-7c2d-8e4f-00000000c001' };

describe('order saga and the back office', () => {
  it('an operator void of an unpaid order cancels it by the usual compensation and mails the customer', () => {
    const voided = on(awaitingPayment(), 'invoice.voided', operatorVoid);
    expect(voided.verdict).toBe('compensate');
    // The void is done already: the saga asks for no other, only the order's cancel.
    expect(types(voided)).toEqual(['saga.compensating', 'order.cancel_requested']);
    expect(voided.state.compensations).toEqual(['cancel', 'notify_failure']);
    expect(voided.publish[1]?.data).toMatchObject({ orderId: order.orderId, reason: 'operator' });
    const end = on(voided.state, 'order.cancelled');
    expect(types(end)).toEqual(['notification.requested', 'saga.failed']);
    expect(end.publish[0]?.data).toMatchObject({
      template: 'order-cancelled',
      variables: { refunded: false },
    });
    expect(end.state.status).toBe('failed');
  });

  it('an operator refund while the service is built releases it, voids the invoice and cancels the order', () => {
    const refunded = on(building(), 'payment.refunded', operatorRefund);
    expect(refunded.verdict).toBe('compensate');
    expect(types(refunded)).toEqual(['saga.compensating', 'provisioning.release_requested']);
    expect(refunded.state.compensations).toEqual(['release', 'void', 'cancel', 'notify_failure']);
    expect(refunded.state.data.refunded).toBe(true);
  });

  it('a refund read before its payment waits for it, then ends the order like any refund during the build', () => {
    const early = on(awaitingPayment(), 'payment.refunded', operatorRefund);
    expect(early.verdict).toBe('park');
    expect(early.publish).toEqual([]);
    // The payment moves the saga on; the parked refund is replayed then (OrderSagaService.replayParked).
    const paid = on(early.state, 'payment.received');
    expect(paid.state.step).toBe('provision');
    const replayed = on(paid.state, 'payment.refunded', operatorRefund);
    expect(replayed.verdict).toBe('compensate');
  });

  it('after completion an operator refund or void changes nothing in the saga', () => {
    const built = building();
    const done = on(built, 'provisioning.completed', { serviceId: built.data.serviceId }).state;
    expect(done.status).toBe('completed');
    for (const [type, extra] of [
      ['payment.refunded', operatorRefund],
      ['invoice.voided', operatorVoid],
    ] as const) {
      const d = on(done, type, extra);
      expect(d.verdict).toBe('ignore');
      expect(d.publish).toEqual([]);
      expect(d.state.status).toBe('completed');
    }
  });

  it('after the saga failed an operator refund or void is ignored, never compensated twice', () => {
    const closed = on(on(awaitingPayment(), 'invoice.voided', operatorVoid).state, 'order.cancelled').state;
    for (const type of ['payment.refunded', 'invoice.voided'] as const) {
      expect(on(closed, type).verdict).toBe('ignore');
    }
  });
});
