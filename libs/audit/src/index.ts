import { AUDIT } from './audit.domain.js';
import { AuditModule } from './audit.module.js';

export { AUDIT, AuditModule };
export const auditDomain = { domain: AUDIT, module: AuditModule };
