import pg from 'pg';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { isBackendUnavailable } from './unavailable.js';

const pgError = (code: string, message = 'server error') =>
  Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code });

describe(isBackendUnavailable.name, () => {
  it('recognises a refused connection to the database, as node-postgres reports it', async () => {
    // Port 1 on loopback: nothing listens there.
    const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2_000 });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/ECONNREFUSED/);
    expect(isBackendUnavailable(error)).toBe(true);
  });

  it('recognises a server shutting down or starting, also inside TypeORM’s QueryFailedError', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08003']) {
      const wrapped = new QueryFailedError('SELECT 1', [], pgError(code));
      expect({ code, unavailable: isBackendUnavailable(wrapped) }).toEqual({ code, unavailable: true });
    }
    expect(isBackendUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    // What the rest of a transaction meets once TypeORM released the runner of the connection that died.
    expect(isBackendUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isBackendUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
    expect(isBackendUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(
      isBackendUnavailable(
        new Error('outer', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
      ),
    ).toBe(true);
  });

  it('recognises an unreachable broker by kafkajs’s error names', () => {
    const unreachable = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSConnectionError',
    });
    const exhausted = Object.assign(new Error('retries exhausted'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      originalError: unreachable,
    });
    expect(isBackendUnavailable(exhausted)).toBe(true);
  });

  it('leaves real faults and refusals alone', () => {
    for (const code of ['23505', '23503', '22P02', '42P01', '40001']) {
      const wrapped = new QueryFailedError('INSERT …', [], pgError(code));
      expect({ code, unavailable: isBackendUnavailable(wrapped) }).toEqual({ code, unavailable: false });
    }
    expect(isBackendUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isBackendUnavailable(Object.assign(new Error('topic'), { name: 'KafkaJSProtocolError' }))).toBe(
      false,
    );
    expect(isBackendUnavailable('text')).toBe(false);
    expect(isBackendUnavailable(undefined)).toBe(false);
  });
});
