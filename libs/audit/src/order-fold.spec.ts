import type { OrderStatus } from '@app/contracts';
import { compareStates, foldOrder, type StoredState } from './order-fold.js';
import { logged } from './testing/logged-event.factory.js';

const ORDER = 'o';

describe(foldOrder.name, () => {
  it('folds a completed order into its steps and service', () => {
    const events = [
      logged('order.created', 'a', null, 1),
      logged('saga.started', 'b', 'a', 2),
      logged('invoice.generated', 'c', 'a', 2),
      logged('payment.received', 'd', 'c', 3),
      logged('order.confirmed', 'e', 'd', 4),
      logged('provisioning.started', 'f', 'd', 5),
      logged('order.completed', 'g', 'f', 6, { payload: { orderId: ORDER, serviceId: 's-1' } }),
    ];
    const folded = foldOrder(ORDER, events);
    expect(folded.status).toBe('completed');
    expect(folded.serviceId).toBe('s-1');
    expect(folded.steps.map((s) => [s.status, s.event, s.eventId])).toEqual([
      ['pending', 'order.created', 'a'],
      ['awaiting_payment', 'invoice.generated', 'c'],
      ['confirmed', 'order.confirmed', 'e'],
      ['provisioning', 'provisioning.started', 'f'],
      ['completed', 'order.completed', 'g'],
    ]);
    expect(folded.steps[0]?.at).toBe(events[0]?.occurredAt);
  });

  it('moves only forward, stays finished, and counts an event once (not its dead letter, not other orders)', () => {
    const folded = foldOrder(ORDER, [
      logged('order.created', 'a', null, 1),
      logged('provisioning.started', 'b', 'a', 2),
      logged('order.confirmed', 'c', 'a', 3),
      logged('order.cancelled', 'd', 'a', 4, { payload: { orderId: ORDER, reason: 'operator' } }),
      logged('order.cancelled', 'd', 'a', 4, { redriveCount: 1 }),
      logged('order.completed', 'f', 'a', 6, {
        deadLetter: {
          error: 'x',
          attempts: 1,
          consumerGroup: 'g',
          originalTopic: null,
          originalPartition: null,
          originalOffset: null,
          redriveCount: 0,
        },
      }),
      logged('invoice.generated', 'g', 'a', 7, { payload: { orderId: 'another' } }),
    ]);
    expect(folded.steps.map((s) => s.status)).toEqual(['pending', 'provisioning', 'cancelled']);
    expect(folded.status).toBe('cancelled');
    expect(folded.serviceId).toBeNull();
  });
});

describe(compareStates.name, () => {
  const step = (status: OrderStatus) => ({
    status,
    event: null,
    eventId: null,
    at: '2026-11-27T10:00:00.000Z',
  });
  const folded = {
    status: 'completed' as const,
    serviceId: 's-1',
    steps: (['pending', 'awaiting_payment', 'completed'] as const).map(step),
  };
  const stored = (overrides: Partial<StoredState> = {}): StoredState => ({
    found: true,
    status: 'completed',
    serviceId: 's-1',
    steps: folded.steps,
    stepCount: 3,
    ...overrides,
  });

  it('finds nothing when orders stores what the log implies (steps compared by status)', () => {
    expect(
      compareStates(folded, stored({ steps: folded.steps.map((s) => ({ ...s, event: 'other' })) })),
    ).toEqual([]);
  });

  it('names each field that differs', () => {
    expect(compareStates(folded, stored({ status: 'failed', serviceId: null }))).toEqual([
      { field: 'status', logged: 'completed', stored: 'failed' },
      { field: 'serviceId', logged: 's-1', stored: null },
    ]);
    expect(compareStates(folded, stored({ steps: [step('pending')], stepCount: 1 }))).toEqual([
      { field: 'steps', logged: ['pending', 'awaiting_payment', 'completed'], stored: ['pending'] },
    ]);
    expect(compareStates(folded, stored({ found: false }))).toEqual([
      { field: 'found', logged: true, stored: false },
    ]);
  });

  it('compares a cut step list by its prefix and its count', () => {
    expect(compareStates(folded, stored({ steps: [step('pending')], stepCount: 3 }))).toEqual([]);
    expect(compareStates(folded, stored({ steps: [step('pending')], stepCount: 120 }))).toEqual([
      { field: 'stepCount', logged: 3, stored: 120 },
    ]);
  });
});
