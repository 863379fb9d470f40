import { AUDIT } from './audit.domain.js';
import { auditLogGroupId } from './audit-log.tap.js';
import { AuditModule } from './audit.module.js';

export { AUDIT, AuditModule, auditLogGroupId };
export const auditDomain = { domain: AUDIT, module: AuditModule };
