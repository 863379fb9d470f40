import { SERVICE_STATES } from './build.state.js';
import { REFUSAL_MESSAGES, refusalOf } from './service-action.state.js';

describe('service actions by service state', () => {
  it.each(SERVICE_STATES)('decides for a %s service', (state) => {
    const expected = {
      provisioning: 'service_not_delivered',
      active: null,
      suspended: 'service_suspended',
      failed: 'service_not_delivered',
      released: 'service_released',
    }[state];
    expect(refusalOf(state)).toBe(expected);
  });

  it('explains every refusal to the customer', () => {
    for (const state of SERVICE_STATES) {
      const refusal = refusalOf(state);
      if (refusal) {
        expect(REFUSAL_MESSAGES[refusal]).toMatch(/^The service .{20,}\.$/);
      }
    }
  });
});
