import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options.js';
import { commitWithNext, deferBegin, sendAhead } from './deferred-begin.js';
import { commitWithNextStatement, queryAhead } from './transaction.js';

// A held BEGIN on the real PostgreSQL the suites run against: what goes over the socket, and that transactions
// commit, roll back and fail as they did with a BEGIN of its own.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma';
const schema = `deferred_begin_${randomUUID().slice(0, 8)}`;

/** Counts the writes that reach the socket: a corked run of messages is one. */
function countWrites(client: pg.Client): () => number {
  const stream = (client as unknown as { connection: { stream: Record<string, unknown> } }).connection.stream;
  let writes = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = stream[method] as (...args: unknown[]) => unknown;
    stream[method] = (...args: unknown[]) => {
      writes += 1;
      return original.apply(stream, args);
    };
  }
  return () => writes;
}

/** The server's notices (warnings) to the client, as they come. */
function noticesOf(client: pg.Client): string[] {
  const notices: string[] = [];
  client.on('notice', (notice) => notices.push(notice.message ?? ''));
  return notices;
}

describe('deferBegin (real PostgreSQL)', () => {
  const clients: pg.Client[] = [];
  const connect = async (defer = true): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    if (defer) {
      deferBegin(client);
    }
    clients.push(client);
    return client;
  };
  const rows = async (client: pg.Client): Promise<number[]> =>
    (await client.query<{ n: number }>(`SELECT n FROM ${schema}.probe ORDER BY n`)).rows.map((r) => r.n);

  beforeAll(async () => {
    const admin = await connect(false);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.probe (n int PRIMARY KEY)`);
    // A check at COMMIT: a duplicate fails the COMMIT, not the INSERT.
    await admin.query(
      `CREATE TABLE ${schema}.late (n int, CONSTRAINT late_n UNIQUE (n) DEFERRABLE INITIALLY DEFERRED)`,
    );
  });

  afterEach(async () => {
    await clients[0]?.query(`TRUNCATE ${schema}.probe, ${schema}.late`);
  });

  afterAll(async () => {
    await clients[0]?.query(`DROP SCHEMA ${schema} CASCADE`);
    await Promise.all(clients.map((c) => c.end()));
  });

  it('sends BEGIN and the first statement in one write: two writes for a transaction of one statement', async () => {
    const held = await connect();
    const plain = await connect(false);
    for (const [client, expected] of [
      [held, 2],
      [plain, 3],
    ] as const) {
      const writes = countWrites(client);
      await client.query('START TRANSACTION');
      await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [expected]);
      await client.query('COMMIT');
      expect(writes()).toBe(expected);
    }
    expect(await rows(plain)).toEqual([2, 3]);
  });

  it('runs the statements in one transaction, which commits or rolls back as a whole', async () => {
    const client = await connect();
    const other = await connect(false);
    await client.query('START TRANSACTION');
    const first = await client.query<{ t: Date }>(
      `WITH i AS (INSERT INTO ${schema}.probe VALUES (1)) SELECT transaction_timestamp() AS t`,
    );
    // Another session does not see the uncommitted row; the same transaction does, at the same timestamp.
    expect(await rows(other)).toEqual([]);
    const second = await client.query<{ t: Date }>('SELECT transaction_timestamp() AS t');
    expect(second.rows[0]?.t).toEqual(first.rows[0]?.t);
    await client.query(`INSERT INTO ${schema}.probe VALUES (2)`);
    await client.query('ROLLBACK');
    expect(await rows(other)).toEqual([]);

    await client.query('BEGIN');
    await client.query(`INSERT INTO ${schema}.probe VALUES (3)`);
    expect(await rows(other)).toEqual([]);
    await client.query('COMMIT');
    expect(await rows(other)).toEqual([3]);
  });

  it('sends nothing for a transaction that ends before its first statement', async () => {
    const client = await connect();
    const writes = countWrites(client);
    for (const end of ['COMMIT', 'ROLLBACK']) {
      await client.query('START TRANSACTION');
      const answer = await client.query(end);
      expect(answer.command).toBe(end);
    }
    expect(writes()).toBe(0);
    // The session is idle, not in a transaction: a statement now commits on its own.
    await client.query(`INSERT INTO ${schema}.probe VALUES (7)`);
    expect(await rows(await connect(false))).toEqual([7]);
  });

  it('fails the first statement as before: the transaction is aborted until ROLLBACK, and the next one works', async () => {
    const client = await connect();
    await client.query('START TRANSACTION');
    await expect(client.query('SELECT 1 / $1::int AS q', [0])).rejects.toMatchObject({ code: '22012' });
    await expect(client.query(`INSERT INTO ${schema}.probe VALUES (1)`)).rejects.toMatchObject({
      code: '25P02',
    });
    await client.query('ROLLBACK');
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES (2)`);
    await expect(client.query(`INSERT INTO ${schema}.probe VALUES (2)`)).rejects.toMatchObject({
      code: '23505',
    });
    await client.query('ROLLBACK');
    expect(await rows(client)).toEqual([]);
  });

  it('fails the statement with BEGIN’s error when BEGIN fails, and passes a BEGIN’s warning through', async () => {
    const client = await connect();
    const notices = noticesOf(client);
    // Inside a transaction, BEGIN warns and the statement runs in the transaction that is open.
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    await client.query('START TRANSACTION');
    expect((await client.query<{ v: number }>('SELECT $1::int AS v', [5])).rows).toEqual([{ v: 5 }]);
    expect(notices).toEqual(['there is already a transaction in progress']);
    await client.query('ROLLBACK');
    expect(await rows(client)).toEqual([]);

    // In an aborted transaction, BEGIN fails; the server skips the statement behind it, which fails with that error.
    await client.query('START TRANSACTION');
    await expect(client.query('SELECT 1 / $1::int AS q', [0])).rejects.toMatchObject({ code: '22012' });
    await client.query('START TRANSACTION');
    await expect(client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [2])).rejects.toMatchObject({
      code: '25P02',
    });
    await client.query('ROLLBACK');
    expect((await client.query<{ v: number }>('SELECT $1::int AS v', [6])).rows).toEqual([{ v: 6 }]);
    expect(await rows(client)).toEqual([]);
  });

  it('sends BEGIN on its own before a statement without parameters, which still runs in the transaction', async () => {
    const client = await connect();
    const writes = countWrites(client);
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES (4)`);
    expect(await rows(await connect(false))).toEqual([]);
    await client.query('COMMIT');
    expect(writes()).toBe(3);
    expect(await rows(client)).toEqual([4]);
  });

  it('sends BEGIN, the statement and COMMIT in one write when asked: committed when the statement resolves', async () => {
    const client = await connect();
    const other = await connect(false);
    const writes = countWrites(client);
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    expect(commitWithNext(client)).toBe(true);
    const last = await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [2]);
    expect(last.rowCount).toBe(1);
    // Committed already: another session sees both rows before the transaction's own COMMIT is called.
    expect(await rows(other)).toEqual([1, 2]);
    expect((await client.query('COMMIT')).command).toBe('COMMIT');
    expect(writes()).toBe(2);
    // The session is idle: the next transaction is one of its own.
    await client.query('START TRANSACTION');
    expect(commitWithNext(client)).toBe(true);
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [3]);
    await client.query('COMMIT');
    expect(writes()).toBe(3);
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [4]);
    await client.query('ROLLBACK');
    expect(await rows(other)).toEqual([1, 2, 3]);
    expect(commitWithNext(other)).toBe(false);
  });

  it('skips the COMMIT when the statement fails: the transaction is aborted until ROLLBACK', async () => {
    const client = await connect();
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    commitWithNext(client);
    await expect(client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1])).rejects.toMatchObject({
      code: '23505',
    });
    await expect(client.query('SELECT $1::int AS v', [1])).rejects.toMatchObject({ code: '25P02' });
    await client.query('ROLLBACK');
    expect(await rows(client)).toEqual([]);
  });

  it('fails the statement with the COMMIT’s error when the COMMIT fails, and nothing of it stays', async () => {
    const client = await connect();
    const notices = noticesOf(client);
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.late VALUES ($1)`, [1]);
    commitWithNext(client);
    await expect(client.query(`INSERT INTO ${schema}.late VALUES ($1)`, [1])).rejects.toMatchObject({
      code: '23505',
      constraint: 'late_n',
    });
    // The caller rolls back what failed: the server has ended the transaction already and says so.
    await client.query('ROLLBACK');
    expect(notices).toEqual(['there is no transaction in progress']);
    const late = await client.query<{ count: string }>(`SELECT count(*) FROM ${schema}.late`);
    expect(late.rows[0]?.count).toBe('0');
    await client.query('START TRANSACTION');
    commitWithNext(client);
    await client.query(`INSERT INTO ${schema}.late VALUES ($1)`, [2]);
    await client.query('COMMIT');
    expect((await client.query<{ n: number }>(`SELECT n FROM ${schema}.late`)).rows).toEqual([{ n: 2 }]);
  });

  it('sends the COMMIT on its own when the statement cannot carry it (no parameters)', async () => {
    const client = await connect();
    const other = await connect(false);
    const writes = countWrites(client);
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    commitWithNext(client);
    await client.query(`INSERT INTO ${schema}.probe VALUES (2)`);
    expect(await rows(other)).toEqual([]);
    await client.query('COMMIT');
    expect(writes()).toBe(3);
    expect(await rows(other)).toEqual([1, 2]);
  });

  it('sends statements held ahead in the same write as the next one, which answers only for itself', async () => {
    const client = await connect();
    const other = await connect(false);
    const writes = countWrites(client);
    await client.query('START TRANSACTION');
    expect(sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [1])).toBe(true);
    expect(sendAhead(client, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [schema])).toBe(true);
    expect(writes()).toBe(0);
    const next = await client.query<{ n: number }>(`SELECT n FROM ${schema}.probe WHERE n >= $1`, [0]);
    // BEGIN, both held statements and the SELECT went in one write; the SELECT ran after them and sees their row.
    expect(writes()).toBe(1);
    expect(next.rows).toEqual([{ n: 1 }]);
    // The lock is held for the rest of the transaction.
    const probe = `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS free`;
    expect((await other.query<{ free: boolean }>(probe, [schema])).rows).toEqual([{ free: false }]);
    await client.query('COMMIT');
    expect(writes()).toBe(2);
    expect((await other.query<{ free: boolean }>(probe, [schema])).rows).toEqual([{ free: true }]);
    expect(await rows(other)).toEqual([1]);
    expect(sendAhead(other, 'SELECT 1', [])).toBe(false);
  });

  it('carries the COMMIT with the last statement held ahead: a transaction of held statements is one write', async () => {
    const client = await connect();
    const other = await connect(false);
    const writes = countWrites(client);
    await client.query('START TRANSACTION');
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, ['2']);
    expect((await client.query('COMMIT')).command).toBe('COMMIT');
    expect(writes()).toBe(1);
    expect(await rows(other)).toEqual([1, 2]);
    // After a statement of its own: two writes, the second one the held INSERT with the COMMIT.
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [3]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [4]);
    await client.query('COMMIT');
    expect(writes()).toBe(3);
    expect(await rows(other)).toEqual([1, 2, 3, 4]);
  });

  it('fails the next statement, or the COMMIT, with the error of a held statement that failed; nothing stays', async () => {
    const client = await connect();
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    await expect(client.query('SELECT $1::int AS v', [1])).rejects.toMatchObject({ code: '23505' });
    await client.query('ROLLBACK');
    expect(await rows(client)).toEqual([]);

    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [2]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [2]);
    await expect(client.query('COMMIT')).rejects.toMatchObject({ code: '23505' });
    await client.query('ROLLBACK');
    expect(await rows(client)).toEqual([]);

    // Behind a statement that cannot carry them (no parameters) they go first, each on its own, with the same error.
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [3]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [3]);
    await expect(client.query(`INSERT INTO ${schema}.probe VALUES (4)`)).rejects.toMatchObject({
      code: '23505',
    });
    await client.query('ROLLBACK');
    expect(await rows(client)).toEqual([]);
  });

  it('drops held statements unsent at ROLLBACK, and lets a ROLLBACK TO SAVEPOINT undo one that failed', async () => {
    const client = await connect();
    const writes = countWrites(client);
    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [1]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [2]);
    await client.query('ROLLBACK');
    expect(writes()).toBe(2);
    expect(await rows(client)).toEqual([]);

    await client.query('START TRANSACTION');
    await client.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [5]);
    await client.query('SAVEPOINT held');
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [5]);
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [6]);
    await client.query('ROLLBACK TO SAVEPOINT held');
    sendAhead(client, `INSERT INTO ${schema}.probe VALUES ($1)`, [7]);
    await client.query('COMMIT');
    expect(await rows(client)).toEqual([5, 7]);
  });

  it('keeps concurrent TypeORM transactions on a shared pool apart: committed rows stay, the rest do not', async () => {
    const source = new DataSource({
      ...dataSourceOptions({ url, poolSize: 3, logging: false }),
      logging: false,
    });
    await source.initialize();
    let next = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              inserts: fc.nat(3),
              // 'ahead': the last INSERT carries the COMMIT (commitWithNextStatement), as the outbox's does.
              end: fc.constantFrom('commit', 'ahead', 'rollback', 'fail', 'empty'),
              delayMs: fc.nat(3),
              // Inserts held to go ahead of the next statement (queryAhead), as locks and notes are.
              held: fc.boolean(),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          async (transactions) => {
            await source.query(`TRUNCATE ${schema}.probe`);
            const committed: number[] = [];
            await Promise.all(
              transactions.map(async ({ inserts, end, delayMs, held }) => {
                const mine = end === 'empty' ? [] : Array.from({ length: inserts + 1 }, () => ++next);
                const work = source.transaction(async (manager) => {
                  for (const [i, n] of mine.entries()) {
                    if (end === 'ahead' && i === mine.length - 1) {
                      expect(commitWithNextStatement(manager)).toBe(true);
                    }
                    const insert = `INSERT INTO ${schema}.probe VALUES ($1)`;
                    if (held && !(end === 'ahead' && i === mine.length - 1)) {
                      await queryAhead(manager, insert, [n]);
                    } else {
                      await manager.query(insert, [n]);
                    }
                    await new Promise((resolve) => setTimeout(resolve, delayMs));
                  }
                  if (end === 'fail') {
                    // A statement that fails mid-transaction: everything before it is rolled back.
                    await manager.query(`INSERT INTO ${schema}.probe VALUES ($1)`, [mine[0]]);
                  }
                  if (end === 'rollback') {
                    throw new Error('rolled back');
                  }
                });
                if (end === 'commit' || end === 'ahead' || end === 'empty') {
                  await work;
                  committed.push(...mine);
                } else {
                  await expect(work).rejects.toBeDefined();
                }
              }),
            );
            const stored = await source.query<{ n: number }[]>(`SELECT n FROM ${schema}.probe ORDER BY n`);
            expect(stored.map((r) => r.n)).toEqual(committed.sort((a, b) => a - b));
            // No connection was left inside a transaction.
            const open = await source.query<{ count: string }[]>(
              `SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'
                  AND application_name = 'platforma'`,
            );
            expect(Number(open[0]?.count)).toBe(0);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await source.destroy();
    }
  });
});
