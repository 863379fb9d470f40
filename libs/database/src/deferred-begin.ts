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

/** What the server answers to a statement sent ahead (no Describe) before its CommandComplete, all taken off. */
const AHEAD_ANSWERS = new Set(['parseComplete', 'bindComplete', 'dataRow']);
const ROLLBACK = /^\s*ROLLBACK\b/i;

/** Set on a client deferBegin patched: asks it to send COMMIT behind its next statement (commitWithNext). */
const COMMIT_WITH_NEXT = Symbol('platforma.commitWithNext');
/** Set on a client deferBegin patched: holds a statement to send ahead of the next one (sendAhead). */
const SEND_AHEAD = Symbol('platforma.sendAhead');

/** The parameters a statement sent ahead may take: sent as text, as pg sends them. */
export type AheadValue = string | number | null;

interface AheadStatement {
  text: string;
  values: AheadValue[];
}

interface Pipelined {
  [COMMIT_WITH_NEXT]?: () => void;
  [SEND_AHEAD]?: (statement: AheadStatement) => void;
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

/**
 * Holds a statement whose answer its caller does not need (a lock taken for the rest of the transaction, an INSERT
 * that returns nothing) and sends it in the same write as the transaction's next statement, ahead of it: one round
 * trip fewer. The server runs it first. If it fails, the server skips the next statement up to its Sync and that
 * statement fails with its error, as does the COMMIT when it is the last one (it then carries the COMMIT); a
 * ROLLBACK drops it unsent. For the code inside a transaction it did not open whose failure fails that transaction.
 * False (nothing held) when the connection is not one deferBegin patched: the caller sends the statement itself.
 */
export function sendAhead(client: unknown, text: string, values: AheadValue[]): boolean {
  const hold = (client as Pipelined | undefined)?.[SEND_AHEAD];
  hold?.({ text, values });
  return hold !== undefined;
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
  /** Statements held to go ahead of the next one (sendAhead), in order. */
  let ahead: AheadStatement[] = [];
  /** The BEGIN answers still to take off the connection, in order. */
  let expected: string[] = [];
  /** Statements sent ahead of the one now running whose answers are still to take off: each ends at its CommandComplete. */
  let aheadAnswers = 0;

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
    } else if (aheadAnswers > 0) {
      if (AHEAD_ANSWERS.has(event as string)) {
        return true;
      }
      if (event === 'commandComplete') {
        aheadAnswers -= 1;
        return true;
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
      // the transaction's own COMMIT or ROLLBACK goes to the server. A statement sent ahead that failed fails the
      // statement behind it with its error.
      commitAnswers = undefined;
      aheadAnswers = 0;
    }
    return emit(event, ...args);
  };
  (client as unknown as Pipelined)[COMMIT_WITH_NEXT] = () => {
    commitAsked = true;
  };
  (client as unknown as Pipelined)[SEND_AHEAD] = (statement) => {
    ahead.push(statement);
  };

  /**
   * The transaction's COMMIT with statements still held ahead: the last of them carries it (the others go ahead of
   * it), and it fails with their error. If the last cannot carry it, the COMMIT goes on its own once they succeeded.
   */
  const commitAhead = (): Promise<unknown> => {
    const last = ahead.pop() as AheadStatement;
    commitAsked = true;
    return (patched(last.text, last.values) as Promise<unknown>).then(() => {
      if (committed) {
        committed = false;
        return noRows('COMMIT');
      }
      return query('COMMIT');
    });
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
        return Promise.resolve(noRows(ROLLBACK.test(config) ? 'ROLLBACK' : 'COMMIT'));
      }
    }
    if (typeof config === 'string' && promised && parameters === 0) {
      if (held === undefined && BEGIN.test(config)) {
        held = config;
        ahead = [];
        return Promise.resolve(noRows('BEGIN'));
      }
      if (END.test(config)) {
        if (ROLLBACK.test(config)) {
          // Never sent: they end with the transaction.
          ahead = [];
        } else if (ahead.length > 0) {
          return commitAhead();
        }
        if (held !== undefined) {
          held = undefined;
          return Promise.resolve(noRows(ROLLBACK.test(config) ? 'ROLLBACK' : 'COMMIT'));
        }
      }
    }
    const alone =
      typeof config !== 'string' || parameters === 0 || !state.readyForQuery || state._queryQueue.length > 0;
    if (held === undefined && ahead.length === 0 && !(withCommit && !alone)) {
      return query(config, values, callback);
    }
    const begin = held;
    held = undefined;
    const before = ahead;
    ahead = [];
    if (alone) {
      // Each its own round trip, queued before the statement in order: correct in every case, one round trip more
      // each. A COMMIT asked for goes on its own after it too.
      if (begin !== undefined) {
        void (query(begin) as Promise<unknown>).catch(() => undefined);
      }
      const failures = before.map((s) =>
        (query(s.text, s.values) as Promise<unknown>).then(
          () => undefined,
          (error: unknown) => error as Error,
        ),
      );
      const result = query(config, values, callback);
      if (before.length === 0 || !promised || (typeof config === 'string' && ROLLBACK.test(config))) {
        return result;
      }
      // The statement fails with the error of one sent ahead that failed, as it would have sent with it.
      const settled = async (): Promise<unknown> => {
        const failure = (await Promise.all(failures)).find((error) => error !== undefined);
        if (failure === undefined) {
          return result;
        }
        await (result as Promise<unknown>).catch(() => undefined);
        throw failure;
      };
      return settled();
    }
    // pg submits the statement at once (the client is idle, nothing queued) and corks around its own messages;
    // this cork puts the BEGIN's and the statements held ahead in the same write, and the COMMIT's between the
    // statement's Execute and its Sync.
    connection.stream.cork?.();
    const sync = Object.getOwnPropertyDescriptor(connection, 'sync');
    try {
      if (begin !== undefined) {
        connection.parse({ text: begin });
        connection.bind({});
        connection.execute({});
        expected = [...BEGIN_ANSWERS];
      }
      for (const statement of before) {
        connection.parse({ text: statement.text });
        connection.bind({ values: statement.values.map((v) => (typeof v === 'number' ? String(v) : v)) });
        connection.execute({});
      }
      aheadAnswers = before.length;
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
