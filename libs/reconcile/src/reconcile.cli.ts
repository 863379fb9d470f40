import { formatReport, isClean, parseArgs } from './reconcile.findings.js';
import { Reconciler } from './reconciler.js';

// `npm run reconcile [-- --prefix p] [-- --database-url u] [--grace-seconds n] [--since-hours n]
// [--hypervisors | --no-hypervisors]`: exit 0 when the environment (its database) reconciles, 1 on findings, 2 when it
// could not be read. The hypervisor nodes (shared by every environment) are listed with virsh and compared with
// provisioning's services when any node is enabled, unless --no-hypervisors; --hypervisors checks them even with no
// enabled node (and reports nothing to list).
try {
  const options = parseArgs(process.argv.slice(2), process.env);
  const report = await Reconciler.run(options);
  console.log(formatReport(report));
  process.exitCode = isClean(report) ? 0 : 1;
} catch (error) {
  console.error(`reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
