import { type ArgumentsHost, Logger } from '@nestjs/common';
import kafkajs from 'kafkajs';
import pg from 'pg';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { PG_UNIQUE_VIOLATION } from '@app/database';
import { ProblemFilter } from '@app/platform';
import { isBackendUnavailable } from './backend-unavailable.js';
import { DEFAULT_RETRY_POLICY, retriesAgain } from './consumer/event-consumer.server.js';

// kafkajs's typings omit some of its error classes and the arguments they take at run time.
type ErrorClass = new (e: string | { message: string; type?: string }, options?: object) => Error;
const kafka = kafkajs as unknown as Record<string, ErrorClass>;
const kafkaError = (name: string, e: string | { message: string; type?: string }, options?: object) =>
  new kafka[name](e, options);

const pgError = (code: string) => Object.assign(new pg.DatabaseError('server error', 12, 'error'), { code });
const queryFailed = (code: string) => new QueryFailedError('SELECT 1', [], pgError(code));
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.7:5432`), { code });
const brokerAnswer = (type: string) => kafkaError('KafkaJSProtocolError', { message: type, type });
const refusedByPostgres = () =>
  // Port 1 on loopback: nothing listens there.
  new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2_000 }).connect().then(
    () => undefined,
    (e: unknown) => e,
  );

type Row = [what: string, error: () => unknown];

const UNAVAILABLE: Row[] = [
  ...['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300'].map((code): Row => [
    `SQLSTATE ${code} in TypeORM's QueryFailedError`,
    () => queryFailed(code),
  ]),
  ['SQLSTATE 57P01 from node-postgres itself', () => pgError('57P01')],
  ...'ECONNREFUSED ECONNRESET ETIMEDOUT EPIPE ENOTCONN EHOSTUNREACH ENETUNREACH ENOTFOUND EAI_AGAIN'
    .split(' ')
    .map((code): Row => [code, () => socketError(code)]),
  ['a refused connection, as node-postgres reports it', refusedByPostgres],
  ['a socket error as the cause', () => new Error('outer', { cause: socketError('ECONNRESET') })],
  ['a socket error among aggregated ones', () => new AggregateError([socketError('ECONNREFUSED')], 'x')],
  ...[
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'Client has encountered a connection error and is not queryable',
    'timeout exceeded when trying to connect',
    'connection is closed',
    'Connection refused',
  ].map((message): Row => [`node-postgres: ${message}`, () => new Error(message)]),
  ['TypeORM: runner released', () => new QueryRunnerAlreadyReleasedError()],
  ['TypeORM: runner provider released', () => new QueryRunnerProviderAlreadyReleasedError()],
  ['kafkajs: connection error', () => kafkaError('KafkaJSConnectionError', 'Connection error: ECONNREFUSED')],
  ['kafkajs: connection closed', () => kafkaError('KafkaJSConnectionClosedError', 'Closed connection')],
  ['kafkajs: broker not found', () => kafkaError('KafkaJSBrokerNotFound', 'Broker 1 not found')],
  ['kafkajs: request timeout', () => kafkaError('KafkaJSRequestTimeoutError', 'Request Produce timed out')],
  // Partition leadership moving, replicas or the broker itself gone: what a broker restart looks like.
  ...[
    'LEADER_NOT_AVAILABLE NOT_LEADER_FOR_PARTITION BROKER_NOT_AVAILABLE REQUEST_TIMED_OUT NETWORK_EXCEPTION',
    'NOT_ENOUGH_REPLICAS NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  ]
    .flatMap((types) => types.split(' '))
    .map((type): Row => [`kafkajs: broker answered ${type}`, () => brokerAnswer(type)]),
  [
    'kafkajs: retries exhausted on a leader change',
    () =>
      kafkaError('KafkaJSNumberOfRetriesExceeded', brokerAnswer('NOT_LEADER_FOR_PARTITION'), {
        retryCount: 5,
        retryTime: 100,
      }),
  ],
  [
    'kafkajs: a connection error as originalError',
    () =>
      Object.assign(new Error('retries exhausted'), {
        originalError: kafkaError('KafkaJSConnectionError', 'Connection error: ECONNREFUSED'),
      }),
  ],
];

const FAULTS: Row[] = [
  ...[PG_UNIQUE_VIOLATION, '23503', '22P02', '42P01', '40001', '40P01', '57014'].map((code): Row => [
    `SQLSTATE ${code} in TypeORM's QueryFailedError`,
    () => queryFailed(code),
  ]),
  ['a bug', () => new TypeError('x is undefined')],
  ['kafkajs: unknown topic', () => brokerAnswer('UNKNOWN_TOPIC_OR_PARTITION')],
  ['kafkajs: ACL refusal', () => brokerAnswer('TOPIC_AUTHORIZATION_FAILED')],
  [
    'a look-alike of a kafkajs error',
    () => Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }),
  ],
  ['a string', () => 'text'],
  ['nothing', () => undefined],
];

/** What the HTTP side answers: the status ProblemFilter sends and its Retry-After. */
function answered(error: unknown): { status: number; retryAfter?: string } {
  const answer: { status: number; retryAfter?: string } = { status: 0 };
  const response = {
    setHeader: (name: string, value: string) => name === 'Retry-After' && (answer.retryAfter = value),
    status: (status: number) => ((answer.status = status), response),
    type: () => response,
    send: () => response,
  };
  const request = { method: 'POST', path: '/orders', originalUrl: '/orders' };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new ProblemFilter().catch(error, host);
  return answer;
}

/** What a consumer does once the event used up its attempts. */
const consumed = (error: unknown) =>
  retriesAgain(error, DEFAULT_RETRY_POLICY.maxAttempts, 0, DEFAULT_RETRY_POLICY) ? 'retries' : 'dead-letters';

async function judged(make: () => unknown) {
  const error = await make();
  return { unavailable: isBackendUnavailable(error), http: answered(error), consumer: consumed(error) };
}

// HTTP and the consumers ask the same question; each case must get the same answer from both.
describe(isBackendUnavailable.name, () => {
  // ProblemFilter logs every case it answers 500 with its stack.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it.each(UNAVAILABLE)('the backend is down: %s', async (_, make) => {
    expect(await judged(make)).toEqual({
      unavailable: true,
      http: { status: 503, retryAfter: '5' },
      consumer: 'retries',
    });
  });

  it.each(FAULTS)('not an outage: %s', async (_, make) => {
    expect(await judged(make)).toEqual({
      unavailable: false,
      http: { status: 500 },
      consumer: 'dead-letters',
    });
  });
});
