export {
  formatReport,
  isClean,
  orderDisagreements,
  parseArgs,
  type Disagreement,
  type Finding,
  type ReconcileOptions,
  type ReconcileReport,
} from './reconcile.findings.js';
export { Reconciler, type DuplicateEffects, type Queryable } from './reconciler.js';
