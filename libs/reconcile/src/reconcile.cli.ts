import { formatReport, isClean, parseArgs } from './reconcile.findings.js';
import { Reconciler } from './reconciler.js';

// `npm run reconcile [-- --prefix p] [-- --database-url u] [--grace-seconds n] [--since-hours n]`: exit 0 when the
// environment reconciles, 1 on findings, 2 when it could not be read.
try {
  const options = parseArgs(process.argv.slice(2), process.env);
  const report = await Reconciler.run(options);
  console.log(formatReport(report));
  process.exitCode = isClean(report) ? 0 : 1;
} catch (error) {
  console.error(`reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
