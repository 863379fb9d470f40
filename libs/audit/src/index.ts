import { AUDIT } from './audit.domain.js';
import { auditLogGroupId, auditLogGroups } from './audit-log.tap.js';
import { AuditModule } from './audit.module.js';

export { AUDIT, AuditModule, auditLogGroupId, auditLogGroups };
export const auditDomain = { domain: AUDIT, module: AuditModule };
