import { accountsDomain } from '@app/accounts';
import { auditDomain } from '@app/audit';
import { billingDomain } from '@app/billing';
import { catalogDomain } from '@app/catalog';
import { notificationsDomain } from '@app/notifications';
import { ordersDomain } from '@app/orders';
import { provisioningDomain } from '@app/provisioning';
import { sagaDomain } from '@app/saga';
import type { AppDefinition } from '@app/platform';
import { PortalModule } from './portal/portal.module.js';

/**
 * The monolith: every domain module in one process, each with its own consumer group and transport id, and the
 * example customer portal at /portal.
 */
export const MONOLITH: AppDefinition = {
  name: 'platforma',
  domains: [
    accountsDomain,
    catalogDomain,
    ordersDomain,
    provisioningDomain,
    billingDomain,
    notificationsDomain,
    auditDomain,
    sagaDomain,
  ],
  modules: [PortalModule],
};
