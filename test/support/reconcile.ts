import pg from 'pg';
import { formatReport, isClean, Reconciler, type ReconcileReport } from '@app/reconcile';
import { waitFor } from './processes.js';

export interface SettledReconciliationOptions {
  /** When the report is settled enough to judge; a clean report by default. */
  accept?: (report: ReconcileReport) => boolean;
  timeoutMs?: number;
}

/**
 * Runs the reconciler over a suite's prefix with no grace period (so it also sees what is still settling: audit
 * catching up, answers in flight) until its report is accepted or the time is up, and returns the last report to
 * judge. A report that was not accepted is printed, for the failing assertion's reader.
 */
export async function settledReconciliation(
  prefix: string,
  { accept = isClean, timeoutMs = 60_000 }: SettledReconciliationOptions = {},
): Promise<ReconcileReport> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  try {
    const reconciler = new Reconciler(pool);
    const reconcile = () => reconciler.reconcile({ prefix, graceSeconds: 0, sinceHours: 1 });
    let last: ReconcileReport | undefined;
    const report = await waitFor(
      async () => {
        last = await reconcile();
        return accept(last) ? last : undefined;
      },
      'a settled reconciliation',
      timeoutMs,
      2_000,
    ).catch(async () => last ?? reconcile());
    if (!accept(report)) {
      console.error(formatReport(report));
    }
    return report;
  } finally {
    await pool.end();
  }
}
