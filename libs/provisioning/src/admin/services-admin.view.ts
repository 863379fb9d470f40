// The back office's view of services across tenants: the response types of GET /v1/admin/services and
// GET /v1/admin/services/:id. This file imports nothing: the operator console's browser code mirrors it.

/** A service's state in provisioning (the same list as build.state.ts's SERVICE_STATES). */
export type AdminServiceStatus = 'provisioning' | 'active' | 'suspended' | 'failed' | 'released';

export const ADMIN_SERVICE_STATUSES: readonly AdminServiceStatus[] = [
  'provisioning',
  'active',
  'suspended',
  'failed',
  'released',
];

/** Page sizes of the list: `limit` defaults to 50 and is at most 200. */
export const ADMIN_SERVICES_PAGE = { defaultLimit: 50, maxLimit: 200 } as const;

export interface AdminServiceView {
  id: string;
  /** The owning account: the tenant id and the account id are one id. */
  tenantId: string;
  accountId: string;
  orderId: string;
  planId: string;
  status: AdminServiceStatus;
  hostname: string;
  region: string;
  image: string;
  resources: { vcpus: number; memoryMb: number; diskGb: number };
  /** The hypervisor node placement chose; null before placement or after a failed build. */
  node: string | null;
  /** Leased addresses; null for a service that has none (never built, released, or the simulator's). */
  addresses: { ipv4: string | null; ipv6: string | null };
  /** Why its machine was deleted: compensation (the order failed) or termination; null while it exists. */
  releaseReason: 'compensation' | 'termination' | null;
  createdAt: string;
  updatedAt: string;
  provisionedAt: string | null;
  releasedAt: string | null;
}

/** Newest first (created time, then id); pass nextCursor as `cursor` for the next page, null on the last. */
export interface AdminServicePage {
  items: AdminServiceView[];
  nextCursor: string | null;
}

/** The operator actions on a service; billing carries them (POST /v1/admin/subscriptions/:serviceId/<action>). */
export type AdminServiceAction = 'suspend' | 'unsuspend' | 'terminate';

/**
 * Billing's 202 to an operator action, body `{ reason }` (1–500 characters). The console reads it from billing;
 * it is here beside the list it acts on (the e2e suite checks that billing's answer reads as this).
 */
export interface AdminServiceActionResult {
  /** Id of the command event (service.suspend_requested, …) as the audit log shows it. */
  requestId: string;
  serviceId: string;
  subscriptionId: string;
  tenantId: string;
  action: AdminServiceAction;
  /** The command's number in the subscription's sequence. */
  sequence: number;
  /** The subscription's status now; the machine follows when provisioning has carried the command out. */
  status: 'pending' | 'active' | 'suspended' | 'terminated';
}
