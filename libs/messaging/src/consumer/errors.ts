/**
 * A handler's way to say "this event can never succeed" (a domain rejection): it goes to the DLQ at once instead
 * of being retried.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

const INFRASTRUCTURE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/**
 * The database or network is down: no attempt count makes that the event's fault, so it is retried until the
 * dependency is back instead of being dead-lettered.
 */
export function isInfrastructureError(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown }; message?: unknown };
  const code = e.driverError?.code ?? e.code;
  if (typeof code === 'string' && (INFRASTRUCTURE_CODES.has(code) || code.startsWith('08'))) {
    return true;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection is closed|Connection refused|timeout exceeded when trying to connect/i.test(
    message,
  );
}

/**
 * The event arrived before something it depends on (e.g. a reply before the saga saw the order): another topic will
 * catch up, so it is retried with backoff for as long as it takes instead of being dead-lettered.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}
