import type pg from 'pg';

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/** The parts of pg's connection this uses: its message writers, its socket and its message events. */
interface Connection {
  stream: { cork?(): void; uncork?(): void };
  parse(query: { text: string }): void;
  bind(config: object): void;
  execute(config: object): void;
  sync(): void;
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
/** What it answers to a COMMIT sent behind a statement, after the statement's own answers. */
const COMMIT_ANSWERS = BEGIN_ANSWERS;

/** Set on a client deferBegin patched: asks it to send COMMIT behind its next statement (commitWithNext). */
const COMMIT_WITH_NEXT = Symbol('platforma.commitWithNext');

interface Pipelined {
  [COMMIT_WITH_NEXT]?: () => void;
}

/**
 * Asks the connection to send the transaction's COMMIT in the same write as its next statement, behind it and before
 * its Sync. For the code that owns a transaction and knows its next statement is its last (the held outbox rows,
 * written just before the commit). The statement then resolves only once the COMMIT succeeded, and fails with the
 * COMMIT's error if that fails; the COMMIT that follows is answered on the client. False (nothing asked) when the
 * connection is not one deferBegin patched: its COMMIT goes on its own, as before.
 */
export function commitWithNext(client: unknown): boolean {
  const ask = (client as Pipelined | undefined)?.[COMMIT_WITH_NEXT];
  ask?.();
  return ask !== undefined;
}

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
  /** COMMIT was asked for behind the next statement. */
  let commitAsked = false;
  /** Sent behind the statement now running: its answers still to take off once the statement's are through. */
  let commitAnswers: string[] | undefined;
  let statementDone = false;
  /** The COMMIT went ahead and succeeded: the transaction's own COMMIT is answered here. */
  let committed = false;
  const emit = connection.emit.bind(connection);
  connection.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    const ends =
      event === 'errorMessage' || event === 'readyForQuery' || event === 'error' || event === 'end';
    if (expected.length > 0) {
      if (event === expected[0]) {
        expected.shift();
        return true;
      }
      if (ends) {
        // BEGIN failed (the statement behind it was skipped and fails with this error) or the connection went.
        expected = [];
      }
    } else if (commitAnswers) {
      if (statementDone && event === commitAnswers[0]) {
        commitAnswers.shift();
        if (commitAnswers.length === 0) {
          // The COMMIT's CommandComplete: done before the statement's answer is read (at ReadyForQuery).
          committed = true;
          commitAnswers = undefined;
        }
        return true;
      }
      if (event === 'commandComplete' || event === 'emptyQuery') {
        statementDone = true;
      }
    }
    if (ends) {
      // The statement or the COMMIT failed (the server skipped the rest up to the Sync), or the connection went:
      // the transaction's own COMMIT or ROLLBACK goes to the server.
      commitAnswers = undefined;
    }
    return emit(event, ...args);
  };
  (client as unknown as Pipelined)[COMMIT_WITH_NEXT] = () => {
    commitAsked = true;
  };

  const patched: Query = (config, values, callback) => {
    const promised = callback === undefined && typeof values !== 'function';
    const parameters = Array.isArray(values) ? values.length : 0;
    const withCommit = commitAsked;
    commitAsked = false;
    if (committed) {
      committed = false;
      if (typeof config === 'string' && promised && END.test(config)) {
        // The COMMIT went with the last statement. A ROLLBACK here would come after a commit that happened (the
        // caller failed between its last statement and its commit): nothing is left to roll back.
        return Promise.resolve(noRows(/^\s*ROLLBACK/i.test(config) ? 'ROLLBACK' : 'COMMIT'));
      }
    }
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
    const alone =
      typeof config !== 'string' || parameters === 0 || !state.readyForQuery || state._queryQueue.length > 0;
    if (held === undefined && !(withCommit && !alone)) {
      return query(config, values, callback);
    }
    const begin = held;
    held = undefined;
    if (alone) {
      // Its own round trip, queued before the statement: correct in every case, one round trip more. A COMMIT
      // asked for goes on its own after it too.
      if (begin !== undefined) {
        void (query(begin) as Promise<unknown>).catch(() => undefined);
      }
      return query(config, values, callback);
    }
    // pg submits the statement at once (the client is idle, nothing queued) and corks around its own messages;
    // this cork puts the BEGIN's in the same write, and the COMMIT's between the statement's Execute and its Sync.
    connection.stream.cork?.();
    const sync = Object.getOwnPropertyDescriptor(connection, 'sync');
    try {
      if (begin !== undefined) {
        connection.parse({ text: begin });
        connection.bind({});
        connection.execute({});
        expected = [...BEGIN_ANSWERS];
      }
      if (withCommit) {
        const own = connection.sync.bind(connection);
        connection.sync = () => {
          connection.parse({ text: 'COMMIT' });
          connection.bind({});
          connection.execute({});
          own();
        };
        commitAnswers = [...COMMIT_ANSWERS];
        statementDone = false;
      }
      return query(config, values, callback);
    } finally {
      if (withCommit) {
        if (sync) {
          Object.defineProperty(connection, 'sync', sync);
        } else {
          delete (connection as Partial<Connection>).sync;
        }
      }
      connection.stream.uncork?.();
    }
  };
  (client as unknown as { query: Query }).query = patched;
}
