import kafkajs from 'kafkajs';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

// kafkajs is CommonJS, and Node's ESM loader does not see its error classes by name.
const { KafkaJSBrokerNotFound, KafkaJSConnectionError, KafkaJSProtocolError, KafkaJSRequestTimeoutError } =
  kafkajs;

/**
 * PostgreSQL SQLSTATEs of a server that is unreachable, going away or not taking connections yet: class 08
 * (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300
 * too_many_connections.
 */
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
/** Socket and name-resolution errors on the way to the database or the broker. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What node-postgres and its pool say when a connection dies or none can be had in time. */
const PG_CONNECTION_LOST =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|connection is closed|Connection refused/i;
/** Broker answers while partition leadership moves or replicas are down: a broker restart, not the request. */
const KAFKA_FAILOVER = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'BROKER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
]);

/** The error and what it wraps: TypeORM's driverError, Error.cause, kafkajs's originalError, aggregated errors. */
function* causes(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size <= 20) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) {
      continue;
    }
    seen.add(e);
    yield e;
    const nested = e as { driverError?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    queue.push(nested.driverError, nested.cause, nested.originalError);
    if (Array.isArray(nested.errors)) {
      queue.push(...(nested.errors as unknown[]));
    }
  }
}

function anyCause(error: unknown, test: (e: object) => boolean): boolean {
  for (const e of causes(error)) {
    if (test(e)) {
      return true;
    }
  }
  return false;
}

/** kafkajs's errors for a broker that cannot be reached or is failing over (not for what a broker refused). */
function brokerDown(e: object): boolean {
  return (
    e instanceof KafkaJSConnectionError || // and its KafkaJSConnectionClosedError
    e instanceof KafkaJSBrokerNotFound ||
    e instanceof KafkaJSRequestTimeoutError ||
    (e instanceof KafkaJSProtocolError && KAFKA_FAILOVER.has(e.type))
  );
}

function databaseOrNetworkDown(e: object): boolean {
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (PG_UNAVAILABLE.test(code) || NETWORK.has(code))) {
    return true;
  }
  // TypeORM releases a transaction's query runner when its connection dies; the transaction's next query then
  // fails with one of these (our code never uses a runner after its transaction ended otherwise).
  if (e instanceof QueryRunnerAlreadyReleasedError || e instanceof QueryRunnerProviderAlreadyReleasedError) {
    return true;
  }
  return typeof message === 'string' && PG_CONNECTION_LOST.test(message);
}

/** The broker cannot be reached or is failing over: the part of isBackendUnavailable that is Kafka's. */
export function isBrokerUnreachable(error: unknown): boolean {
  return anyCause(error, brokerDown);
}

/**
 * "The backend is down", for every caller: the database or the broker is unreachable for now (a restart, a
 * failover), so the same work will succeed again shortly. HTTP answers 503 with Retry-After instead of 500; a
 * consumer retries the event until the outage ends instead of counting it toward dead-lettering. Looks through
 * the whole chain of wrapped errors.
 */
export function isBackendUnavailable(error: unknown): boolean {
  return anyCause(error, (e) => databaseOrNetworkDown(e) || brokerDown(e));
}
