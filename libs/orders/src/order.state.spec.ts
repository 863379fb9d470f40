import { ORDER_STATUSES } from '@app/contracts';
import { advance, customerMayCancel, isTerminal, nextStatus } from './order.state.js';

describe('order state machine', () => {
  it('walks the happy path', () => {
    expect(nextStatus('pending', 'invoice.generated')).toBe('awaiting_payment');
    expect(nextStatus('awaiting_payment', 'payment.received')).toBe('confirmed');
    expect(nextStatus('confirmed', 'provisioning.started')).toBe('provisioning');
    expect(nextStatus('provisioning', 'saga.completed')).toBe('completed');
  });

  it('refuses out-of-order moves', () => {
    expect(nextStatus('pending', 'payment.received')).toBeUndefined();
    expect(nextStatus('awaiting_payment', 'saga.completed')).toBeUndefined();
    expect(nextStatus('completed', 'cancel')).toBeUndefined();
  });

  it('has exactly three terminal states, none of which moves', () => {
    const terminal = ORDER_STATUSES.filter(isTerminal);
    expect(terminal).toEqual(['completed', 'cancelled', 'failed']);
    for (const status of terminal) {
      expect(nextStatus(status, 'fail')).toBeUndefined();
    }
  });

  it('lets customers cancel only before payment', () => {
    expect(ORDER_STATUSES.filter(customerMayCancel)).toEqual(['pending', 'awaiting_payment']);
  });

  it('moves forward past a step whose event is late, never back, never out of a terminal state', () => {
    expect(advance('awaiting_payment', 'provisioning.started')).toBe('provisioning');
    expect(advance('confirmed', 'saga.completed')).toBe('completed');
    expect(advance('provisioning', 'payment.received')).toBeUndefined();
    expect(advance('cancelled', 'saga.completed')).toBeUndefined();
    expect(advance('provisioning', 'cancel')).toBe('cancelled');
  });
});
