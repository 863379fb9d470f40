/** Seconds a client is told to wait (Retry-After) when a backing service is briefly unreachable. */
export const RETRY_AFTER_SECONDS = 5;

/** PostgreSQL SQLSTATEs of a server that is going away or not accepting connections yet. */
const PG_UNAVAILABLE = /^(08\w{3}|57P0[1-3])$/;
/** Socket errors on the way to the database or the broker. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTCONN']);
/** What node-postgres and its pool say when a connection dies or none can be had in time. */
const PG_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;
/**
 * TypeORM releases a transaction's query runner when its connection dies; the transaction's next query then fails
 * with one of these (our code never uses a runner after its transaction ended otherwise).
 */
const TYPEORM_RUNNER_GONE = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);
/** kafkajs's errors for a broker that cannot be reached (not for what the broker answered). */
const KAFKA_UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

/**
 * True when a request failed because the database or the broker is unreachable for now (a restart, a failover):
 * the client gets 503 with Retry-After instead of 500, since the same request will work again shortly. Looks
 * through TypeORM's driverError and the cause / originalError chains.
 */
export function isBackendUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e) || seen.size > 20) {
      continue;
    }
    seen.add(e);
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (PG_UNAVAILABLE.test(code) || NETWORK.has(code))) {
      return true;
    }
    if (typeof name === 'string' && (KAFKA_UNREACHABLE.has(name) || TYPEORM_RUNNER_GONE.has(name))) {
      return true;
    }
    if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) {
      return true;
    }
    const nested = e as { driverError?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    queue.push(nested.driverError, nested.cause, nested.originalError);
    if (Array.isArray(nested.errors)) {
      queue.push(...(nested.errors as unknown[]));
    }
  }
  return false;
}
