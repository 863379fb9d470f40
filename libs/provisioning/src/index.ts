import { PROVISIONING } from './provisioning.domain.js';
import { ProvisioningModule } from './provisioning.module.js';

export { PROVISIONING, ProvisioningModule };
// The hypervisor port and its libvirt implementation: for deployments that bind their own driver, and the
// reconciler, which compares what the nodes hold with what provisioning believes.
export { LibvirtDriver } from './driver/libvirt/libvirt.driver.js';
export { domainName, machineVolumes, macAddress } from './driver/libvirt/libvirt.xml.js';
export { VirshClient, VirshError } from './driver/libvirt/virsh.client.js';
export type {
  BuildSecrets,
  HypervisorNodeInfo,
  Machine,
  NodeDirectory,
  ProvisioningDriver,
  StepOutcome,
} from './driver/provisioning.driver.js';
// The back office's view of services across tenants (import-free: the console's browser code mirrors it).
export type {
  AdminServiceAction,
  AdminServiceActionResult,
  AdminServicePage,
  AdminServiceStatus,
  AdminServiceView,
} from './admin/services-admin.view.js';
export { ADMIN_SERVICE_STATUSES, ADMIN_SERVICES_PAGE } from './admin/services-admin.view.js';
export const provisioningDomain = { domain: PROVISIONING, module: ProvisioningModule };
