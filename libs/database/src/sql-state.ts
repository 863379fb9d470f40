/** PostgreSQL's SQLSTATE for a row a unique constraint (or primary key) refused. */
export const PG_UNIQUE_VIOLATION = '23505';

/** The SQLSTATE of a failed query, whether TypeORM wrapped node-postgres's error (driverError) or not. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The row already exists by one of its unique keys: callers answer "taken" or "already done" with it. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === PG_UNIQUE_VIOLATION;
}
