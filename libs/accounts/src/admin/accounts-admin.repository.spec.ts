import { SUSPENSION_REASONS } from '../dto/suspend-account.dto.js';
import { type AdminAccountRow, likePrefix, toAdminAccountView } from './accounts-admin.repository.js';
import type { AdminSuspensionReason } from './accounts-admin.view.js';

const row: AdminAccountRow = {
  id: '0195f3c2-7a41-7c3e-9d1a-4b8e2f6a1c05',
  kind: 'customer',
  name: 'Example GmbH',
  email: 'Ops@Example.com',
  country: 'DE',
  currency: 'EUR',
  status: 'active',
  suspension_reason: null,
  suspension_note: null,
  suspended_at: null,
  suspended_by: null,
  created_at: new Date('2026-12-03T13:00:00.123Z'),
  updated_at: new Date('2026-12-03T13:05:00.000Z'),
  cursorAt: '2026-12-03T13:00:00.123456Z',
};

describe(likePrefix.name, () => {
  it.each([
    ['ops', 'ops%'],
    ['Ops@Example', 'ops@example%'],
    ['100%_sure', '100\\%\\_sure%'],
    ['back\\slash', 'back\\\\slash%'],
  ])('matches addresses starting with %s literally, in lower case', (prefix, pattern) => {
    expect(likePrefix(prefix)).toBe(pattern);
  });
});

describe(toAdminAccountView.name, () => {
  it('shows an active account without a suspension, its id as its tenant id', () => {
    expect(toAdminAccountView(row)).toEqual({
      id: row.id,
      tenantId: row.id,
      kind: 'customer',
      name: 'Example GmbH',
      email: 'Ops@Example.com',
      country: 'DE',
      currency: 'EUR',
      status: 'active',
      suspension: null,
      createdAt: '2026-12-03T13:00:00.123Z',
      updatedAt: '2026-12-03T13:05:00.000Z',
    });
  });

  it('shows who suspended the account, when and why', () => {
    const suspended = toAdminAccountView({
      ...row,
      status: 'suspended',
      suspension_reason: 'abuse',
      suspension_note: 'Spam.',
      suspended_at: new Date('2026-12-03T14:00:00.000Z'),
      suspended_by: '00000000-0000-7000-8000-000000000002',
    });
    expect(suspended.suspension).toEqual({
      reason: 'abuse',
      note: 'Spam.',
      at: '2026-12-03T14:00:00.000Z',
      by: '00000000-0000-7000-8000-000000000002',
    });
  });

  it('shows no suspension for an account suspended before suspensions were recorded', () => {
    expect(toAdminAccountView({ ...row, status: 'suspended' }).suspension).toBeNull();
  });

  it('names the same suspension reasons as the request', () => {
    const reasons: Record<AdminSuspensionReason, true> = {
      non_payment: true,
      abuse: true,
      fraud: true,
      customer_request: true,
    };
    expect(Object.keys(reasons).sort()).toEqual([...SUSPENSION_REASONS].sort());
  });
});
