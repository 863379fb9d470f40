import type { DataSource, EntityManager } from 'typeorm';
import { sqlStateOf } from './sql-state.js';

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Serialization failures and deadlocks are the database asking for a retry; anything else is the caller's. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

/** Runs work in one transaction, re-running it when PostgreSQL reports a serialization failure or deadlock. */
export async function transaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) {
        throw error;
      }
    }
  }
}
