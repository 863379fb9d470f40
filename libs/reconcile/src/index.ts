export {
  HypervisorInventory,
  HYPERVISOR_MISSING_CHECK,
  HYPERVISOR_ORPHANS_CHECK,
  HYPERVISOR_UNREACHABLE_CHECK,
  type HypervisorInspection,
  type HypervisorInventoryOptions,
} from './hypervisor-inventory.js';
export {
  formatReport,
  isClean,
  type Disagreement,
  type Finding,
  type HypervisorSummary,
  type ReconcileOptions,
  type ReconcileReport,
} from './reconcile.findings.js';
export { Reconciler, type DuplicateEffects, type Queryable } from './reconciler.js';
