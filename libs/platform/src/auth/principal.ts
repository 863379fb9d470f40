export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified token: every read and write is scoped to tenantId. */
export interface Principal {
  tenantId: string;
  userId: string;
  role: Role;
}

/** The tenant that owns platform-wide facts such as the catalog: the operator's own account. */
export const PLATFORM_TENANT_ID = '00000000-0000-7000-8000-000000000001';
