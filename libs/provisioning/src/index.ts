import { PROVISIONING } from './provisioning.domain.js';
import { ProvisioningModule } from './provisioning.module.js';

export { PROVISIONING, ProvisioningModule };
export const provisioningDomain = { domain: PROVISIONING, module: ProvisioningModule };
