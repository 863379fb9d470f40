import { SERVICE_STATES } from '../build.state.js';
import { ADMIN_SERVICE_STATUSES } from './services-admin.view.js';

describe('services-admin.view', () => {
  it('lists the service states of the module, in its order (the view cannot import them)', () => {
    expect([...ADMIN_SERVICE_STATUSES]).toEqual([...SERVICE_STATES]);
  });
});
