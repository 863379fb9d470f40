import type pg from 'pg';

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/** The parts of pg's connection this uses: its message writers, its socket and its message events. */
interface Connection {
  stream: { cork?(): void; uncork?(): void };
  parse(query: { text: string }): void;
  bind(config: object): void;
  execute(config: object): void;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

interface ClientState {
  connection: Connection;
  readyForQuery: boolean;
  _queryQueue: unknown[];
}

const BEGIN = /^\s*(?:START\s+TRANSACTION|BEGIN)\s*;?\s*$/i;
const END = /^\s*(?:COMMIT|ROLLBACK|END)\s*;?\s*$/i;
/** What the server answers to the held BEGIN's Parse, Bind and Execute, in this order, before the statement's. */
const BEGIN_ANSWERS = ['parseComplete', 'bindComplete', 'commandComplete'] as const;

/** What pg answers for a statement that returns no rows: TypeORM reads rows, rowCount and command. */
function noRows(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

/**
 * Sends a transaction's BEGIN with its first statement: one write, one wake-up of the server and one answer
 * instead of two of each. TypeORM sends `START TRANSACTION` and waits for its answer before the first statement;
 * every consumed record, build step and HTTP write is such a transaction (19 per order).
 *
 * `START TRANSACTION` (or `BEGIN`) on its own is answered at once and held. The next statement, when it has
 * parameters (the extended protocol), goes out behind it in the same write: the BEGIN as Parse, Bind and Execute
 * with no Sync of its own, then the statement's messages and their Sync. The server runs them in order and answers
 * both at that Sync; the BEGIN's three answers are taken off before pg sees them. If BEGIN fails, the server skips
 * the statement up to the Sync and the statement fails with BEGIN's error. A statement without parameters, or one
 * behind another query, has its BEGIN sent first as before. A transaction that ends before its first statement sends
 * neither its BEGIN nor its COMMIT or ROLLBACK. The one visible difference: `now()` is the first statement's time.
 */
export function deferBegin(client: pg.Client): void {
  const state = client as unknown as ClientState;
  const query = client.query.bind(client) as Query;
  let held: string | undefined;
  /** The BEGIN answers still to take off the connection, in order. */
  let expected: string[] = [];

  const connection = state.connection;
  const emit = connection.emit.bind(connection);
  connection.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (expected.length > 0) {
      if (event === expected[0]) {
        expected.shift();
        return true;
      }
      if (event === 'errorMessage' || event === 'readyForQuery' || event === 'error' || event === 'end') {
        // BEGIN failed (the statement behind it was skipped and fails with this error) or the connection went.
        expected = [];
      }
    }
    return emit(event, ...args);
  };

  const patched: Query = (config, values, callback) => {
    const promised = callback === undefined && typeof values !== 'function';
    const parameters = Array.isArray(values) ? values.length : 0;
    if (typeof config === 'string' && promised && parameters === 0) {
      if (held === undefined && BEGIN.test(config)) {
        held = config;
        return Promise.resolve(noRows('BEGIN'));
      }
      if (held !== undefined && END.test(config)) {
        held = undefined;
        return Promise.resolve(noRows(/^\s*ROLLBACK/i.test(config) ? 'ROLLBACK' : 'COMMIT'));
      }
    }
    if (held === undefined) {
      return query(config, values, callback);
    }
    const begin = held;
    held = undefined;
    const alone =
      typeof config !== 'string' || parameters === 0 || !state.readyForQuery || state._queryQueue.length > 0;
    if (alone) {
      // Its own round trip, queued before the statement: correct in every case, one round trip more.
      void (query(begin) as Promise<unknown>).catch(() => undefined);
      return query(config, values, callback);
    }
    // pg submits the statement at once (the client is idle, nothing queued) and corks around its own messages;
    // this cork puts the BEGIN's in the same write.
    connection.stream.cork?.();
    try {
      connection.parse({ text: begin });
      connection.bind({});
      connection.execute({});
      expected = [...BEGIN_ANSWERS];
      return query(config, values, callback);
    } finally {
      connection.stream.uncork?.();
    }
  };
  (client as unknown as { query: Query }).query = patched;
}
