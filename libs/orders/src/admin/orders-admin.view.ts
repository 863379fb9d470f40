// The back office's orders API (GET /v1/admin/orders), as its controller returns it and as the operator console
// reads it. This file imports nothing: the console's browser code mirrors these types, checked with the DOM's types
// and without Node's. (GET /v1/admin/orders/:id/… is the audit module's timeline, not this list's.)

/** The order statuses (libs/contracts ORDER_STATUSES, spelt out here because this file imports nothing). */
export type AdminOrderStatus =
  'pending' | 'awaiting_payment' | 'confirmed' | 'provisioning' | 'completed' | 'cancelled' | 'failed';

export type AdminBillingCycle = 'monthly' | 'quarterly' | 'yearly';

export interface AdminOrderView {
  id: string;
  tenantId: string;
  planId: string;
  status: AdminOrderStatus;
  region: string;
  hostname: string;
  billingCycle: AdminBillingCycle;
  /** Amounts in the currency's minor unit (cents). */
  priceMinor: number;
  setupFeeMinor: number;
  currency: string;
  serviceId: string | null;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

/** A keyset page, newest first: pass nextCursor back as `cursor` for the next one; null on the last page. */
export interface AdminOrderPage {
  items: AdminOrderView[];
  nextCursor: string | null;
}

/**
 * GET /v1/admin/orders query: every filter optional and combined with AND. createdFrom (inclusive) and createdTo
 * (exclusive) are ISO 8601 date-times. limit 1–200, default 50.
 */
export interface AdminOrdersQuery {
  status?: AdminOrderStatus;
  tenantId?: string;
  planId?: string;
  createdFrom?: string;
  createdTo?: string;
  limit?: number;
  cursor?: string;
}
