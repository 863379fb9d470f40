import type { DataSource, EntityManager } from 'typeorm';
import { type AheadValue, commitWithNext, sendAhead } from './deferred-begin.js';
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

/**
 * For the code that owns `manager`'s transaction and commits it right after its next statement: that statement
 * carries the COMMIT (deferred-begin.ts, commitWithNext), one round trip fewer. It resolves once both succeeded and
 * fails with either's error; the transaction's COMMIT after it is answered on the client. False when the connection
 * cannot (no transaction, or DATABASE_DEFER_BEGIN=false): the COMMIT then goes on its own.
 */
export function commitWithNextStatement(manager: EntityManager): boolean {
  const connection = transactionConnection(manager);
  return connection !== undefined && commitWithNext(connection);
}

/**
 * Runs a statement of `manager`'s transaction whose answer the caller does not need (a lock held until the end, an
 * INSERT that returns nothing) in the same write as the transaction's next statement: one round trip fewer
 * (deferred-begin.ts, sendAhead). Its failure fails that next statement, or the COMMIT, with its error, so it is for
 * statements whose failure fails the transaction. Outside a transaction, or with DATABASE_DEFER_BEGIN=false, it is
 * sent and awaited here.
 */
export async function queryAhead(manager: EntityManager, sql: string, values: AheadValue[]): Promise<void> {
  const connection = transactionConnection(manager);
  if (connection !== undefined && sendAhead(connection, sql, values)) {
    return;
  }
  await manager.query(sql, values);
}

/** The pg client of `manager`'s open transaction; undefined outside one. */
function transactionConnection(manager: EntityManager): unknown {
  const runner = manager.queryRunner as
    { databaseConnection?: unknown; isTransactionActive?: boolean } | undefined;
  return runner?.isTransactionActive === true ? runner.databaseConnection : undefined;
}
