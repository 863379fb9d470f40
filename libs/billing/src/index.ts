import { BILLING } from './billing.domain.js';
import { BillingModule } from './billing.module.js';

export { BILLING, BillingModule };
export const billingDomain = { domain: BILLING, module: BillingModule };
