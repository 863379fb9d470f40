// The back office's admin APIs as the console at /admin reads them: accounts (GET /v1/admin/accounts, POST
// …/:id/suspend|unsuspend), orders (GET /v1/admin/orders), invoices and payments (GET /v1/admin/invoices, POST
// /v1/admin/invoices/:id/void, POST /v1/admin/payments/:id/refund), services (GET /v1/admin/services) and their
// subscriptions' actions (POST /v1/admin/subscriptions/:serviceId/suspend|unsuspend|terminate). Those modules own
// the APIs; the audit module may not import them, so this file imports nothing and mirrors what the console reads.
// test/architecture/console-views.types.ts checks at compile time that each controller's answer reads as these.

/** A keyset page, newest first: nextCursor (opaque) is the `cursor` of the next request; null on the last page. */
export interface BackOfficePage<T> {
  items: T[];
  nextCursor: string | null;
}

export type BackOfficeAccountStatus = 'active' | 'suspended';
export type BackOfficeSuspensionReason = 'non_payment' | 'abuse' | 'fraud' | 'customer_request';

export interface BackOfficeAccount {
  id: string;
  tenantId: string;
  kind: string;
  name: string;
  email: string;
  country: string;
  currency: string;
  status: BackOfficeAccountStatus;
  suspension: {
    reason: BackOfficeSuspensionReason;
    note: string | null;
    at: string;
    by: string | null;
  } | null;
  createdAt: string;
}

export type BackOfficeOrderStatus =
  'pending' | 'awaiting_payment' | 'confirmed' | 'provisioning' | 'completed' | 'cancelled' | 'failed';

export interface BackOfficeOrder {
  id: string;
  tenantId: string;
  planId: string;
  status: BackOfficeOrderStatus;
  region: string;
  hostname: string;
  billingCycle: string;
  /** Minor units (cents) of currency. */
  priceMinor: number;
  setupFeeMinor: number;
  currency: string;
  serviceId: string | null;
  createdAt: string;
}

export type BackOfficeInvoiceStatus = 'open' | 'paid' | 'voided';
export type BackOfficePaymentStatus = 'captured' | 'failed' | 'refunded';

export interface BackOfficePayment {
  id: string;
  method: string;
  status: BackOfficePaymentStatus;
  amountMinor: number;
  currency: string;
  failureReason: string | null;
  createdAt: string;
  refundRequestedAt: string | null;
}

export interface BackOfficeInvoice {
  id: string;
  tenantId: string;
  orderId: string;
  number: string;
  kind: string;
  status: BackOfficeInvoiceStatus;
  currency: string;
  totalMinor: number;
  createdAt: string;
  dueAt: string;
  paidAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  voidRequestedAt: string | null;
  payments: BackOfficePayment[];
}

/** 202 of a void or a refund: the request is recorded, its command on its way to billing's consumer. */
export interface BackOfficeRequestAccepted {
  requestId: string;
  eventId: string;
}

export type BackOfficeServiceStatus = 'provisioning' | 'active' | 'suspended' | 'failed' | 'released';

export interface BackOfficeService {
  id: string;
  tenantId: string;
  orderId: string;
  planId: string;
  status: BackOfficeServiceStatus;
  hostname: string;
  region: string;
  image: string;
  resources: { vcpus: number; memoryMb: number; diskGb: number };
  node: string | null;
  addresses: { ipv4: string | null; ipv6: string | null };
  releaseReason: string | null;
  createdAt: string;
  provisionedAt: string | null;
  releasedAt: string | null;
}

export type BackOfficeServiceAction = 'suspend' | 'unsuspend' | 'terminate';

/** 202 of a service's suspend, unsuspend or terminate: the command sent to provisioning, the subscription's status. */
export interface BackOfficeServiceActionAccepted {
  requestId: string;
  serviceId: string;
  subscriptionId: string;
  action: BackOfficeServiceAction;
  sequence: number;
  status: string;
}
