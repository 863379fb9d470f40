// The back office's accounts API (GET /v1/admin/accounts, GET /v1/admin/accounts/:id, POST …/:id/suspend and
// …/:id/unsuspend), as its controller returns it and as the operator console reads it. This file imports nothing:
// the console's browser code mirrors these types, checked with the DOM's types and without Node's.

export type AdminAccountKind = 'customer' | 'reseller' | 'operator';
export type AdminAccountStatus = 'active' | 'suspended';
export type AdminSuspensionReason = 'non_payment' | 'abuse' | 'fraud' | 'customer_request';

/** The account's current suspension: who suspended it, when and why (the audit log keeps earlier ones). */
export interface AdminAccountSuspensionView {
  reason: AdminSuspensionReason;
  /** The operator's words, if any were given. */
  note: string | null;
  /** ISO 8601. */
  at: string;
  /** The operator user who suspended it; null only for a suspension recorded before operators were named. */
  by: string | null;
}

export interface AdminAccountView {
  id: string;
  /** The account is its own tenant: the same id as `id`, under the name every other list filters by. */
  tenantId: string;
  kind: AdminAccountKind;
  name: string;
  email: string;
  country: string;
  currency: string;
  status: AdminAccountStatus;
  /** Set while the account is suspended (null when active, or suspended before suspensions were recorded). */
  suspension: AdminAccountSuspensionView | null;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

/** A keyset page, newest first: pass nextCursor back as `cursor` for the next one; null on the last page. */
export interface AdminAccountPage {
  items: AdminAccountView[];
  nextCursor: string | null;
}

/**
 * GET /v1/admin/accounts query: every filter optional and combined with AND. email: the exact address; emailPrefix:
 * addresses starting with it (both case-insensitive). limit 1–200, default 50.
 */
export interface AdminAccountsQuery {
  status?: AdminAccountStatus;
  email?: string;
  emailPrefix?: string;
  tenantId?: string;
  limit?: number;
  cursor?: string;
}

/** POST /v1/admin/accounts/:id/suspend: the reason is required; the operator is the token's user. */
export interface AdminSuspendAccountRequest {
  reason: AdminSuspensionReason;
  note?: string;
}

/** POST /v1/admin/accounts/:id/unsuspend: why, in the operator's words (required); the operator is the token's user. */
export interface AdminUnsuspendAccountRequest {
  note: string;
}
