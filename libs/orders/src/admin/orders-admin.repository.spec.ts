import { ORDER_STATUSES } from '@app/contracts';
import { type AdminOrderRow, toAdminOrderView } from './orders-admin.repository.js';
import type { AdminOrderStatus } from './orders-admin.view.js';

describe(toAdminOrderView.name, () => {
  const row: AdminOrderRow = {
    id: '0195f3c2-7a41-7c3e-9d1a-4b8e2f6a1c05',
    tenant_id: '0195f3c2-7a41-7c3e-9d1a-4b8e2f6a1c06',
    plan_id: '0195f3c2-7a41-7c3e-9d1a-4b8e2f6a1c07',
    status: 'awaiting_payment',
    region: 'eu-central-1',
    hostname: 'web-01.example.com',
    billing_cycle: 'monthly',
    price_minor: '1299',
    setup_fee_minor: '0',
    currency: 'EUR',
    service_id: null,
    created_at: new Date('2026-12-03T13:00:00.123Z'),
    updated_at: new Date('2026-12-03T13:00:01.000Z'),
    cursorAt: '2026-12-03T13:00:00.123000Z',
  };

  it('shows amounts as numbers and times as ISO 8601', () => {
    expect(toAdminOrderView(row)).toEqual({
      id: row.id,
      tenantId: row.tenant_id,
      planId: row.plan_id,
      status: 'awaiting_payment',
      region: 'eu-central-1',
      hostname: 'web-01.example.com',
      billingCycle: 'monthly',
      priceMinor: 1299,
      setupFeeMinor: 0,
      currency: 'EUR',
      serviceId: null,
      createdAt: '2026-12-03T13:00:00.123Z',
      updatedAt: '2026-12-03T13:00:01.000Z',
    });
  });

  it("spells out exactly the contracts' order statuses (the view file imports nothing)", () => {
    const statuses: Record<AdminOrderStatus, true> = {
      pending: true,
      awaiting_payment: true,
      confirmed: true,
      provisioning: true,
      completed: true,
      cancelled: true,
      failed: true,
    };
    expect(Object.keys(statuses).sort()).toEqual([...ORDER_STATUSES].sort());
  });
});
