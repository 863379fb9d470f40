import fc from 'fast-check';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options.js';
import { cacheStatements } from './statement-cache.js';

// Prepared statements on the real PostgreSQL the suites run against: what gets prepared, when, and that answers,
// errors and transactions are the same as unprepared.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma';

/** The statements prepared on this connection (pg_prepared_statements is per session). */
async function prepared(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ statement: string }>(
    'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time',
  );
  return rows.map((r) => r.statement);
}

describe('cacheStatements (real PostgreSQL)', () => {
  const clients: pg.Client[] = [];
  const connect = async (threshold = 3, max = 128): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cacheStatements(client, { threshold, max });
    clients.push(client);
    return client;
  };

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });

  it('prepares a parameterized text on its third run and answers the same before and after', async () => {
    const client = await connect();
    const text = 'SELECT $1::int * 2 AS doubled';
    const answers: number[] = [];
    for (let n = 1; n <= 5; n++) {
      answers.push((await client.query<{ doubled: number }>(text, [n])).rows[0]?.doubled ?? -1);
      expect(await prepared(client)).toEqual(n < 3 ? [] : [text]);
    }
    expect(answers).toEqual([2, 4, 6, 8, 10]);
  });

  it('leaves simple queries, long parameter lists and one-off texts unprepared', async () => {
    const client = await connect();
    const many = Array.from({ length: 65 }, (_, i) => `$${i + 1}::int`).join(' + ');
    for (let n = 0; n < 4; n++) {
      await client.query('SELECT 1');
      await client.query(
        `SELECT ${many} AS total`,
        Array.from({ length: 65 }, () => n),
      );
      await client.query(`SELECT $1::int + ${n} AS once`, [n]);
    }
    expect(await prepared(client)).toEqual([]);
  });

  it('prepares no more than its cap; texts beyond it still run, unnamed', async () => {
    const client = await connect(1, 2);
    for (const n of [1, 2, 3, 4]) {
      for (let run = 0; run < 3; run++) {
        const { rows } = await client.query<{ v: number }>(`SELECT $1::int + ${n} AS v`, [run]);
        expect(rows[0]?.v).toBe(run + n);
      }
    }
    expect(await prepared(client)).toEqual(['SELECT $1::int + 1 AS v', 'SELECT $1::int + 2 AS v']);
  });

  it('reports a prepared statement’s errors as before, and works on after an aborted transaction', async () => {
    const client = await connect(1);
    const text = 'SELECT 10 / $1::int AS q';
    expect((await client.query<{ q: number }>(text, [5])).rows[0]?.q).toBe(2);
    await expect(client.query(text, [0])).rejects.toMatchObject({ code: '22012' }); // division by zero

    await client.query('BEGIN');
    await expect(client.query(text, [0])).rejects.toMatchObject({ code: '22012' });
    // In the aborted transaction a text prepared for the first time fails to parse; pg forgets it again.
    await expect(client.query('SELECT $1::int + 100 AS v', [1])).rejects.toMatchObject({ code: '25P02' });
    await client.query('ROLLBACK');
    expect((await client.query<{ v: number }>('SELECT $1::int + 100 AS v', [1])).rows[0]?.v).toBe(101);
    expect((await client.query<{ q: number }>(text, [2])).rows[0]?.q).toBe(5);
    expect(await prepared(client)).toEqual([text, 'SELECT $1::int + 100 AS v']);
  });

  it('answers like an unprepared connection whatever the interleaving of texts on a shared pool', async () => {
    const texts = ['SELECT $1::int + 1 AS v', 'SELECT $1::int * 3 AS v', 'SELECT $1::int - 7 AS v'];
    const expected = [(n: number) => n + 1, (n: number) => n * 3, (n: number) => n - 7];
    const source = new DataSource({ ...dataSourceOptions({ url, poolSize: 3, logging: false }) });
    await source.initialize();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(texts.length - 1), fc.integer({ min: -1000, max: 1000 })), {
            minLength: 1,
            maxLength: 40,
          }),
          async (calls) => {
            const answers = await Promise.all(
              calls.map(([t, n]) => source.query<{ v: number }[]>(texts[t] ?? '', [n])),
            );
            expect(answers.map((rows) => rows[0]?.v)).toEqual(calls.map(([t, n]) => expected[t]?.(n)));
          },
        ),
        { numRuns: 30 },
      );
      // The pool's connections prepared the texts they ran again and again.
      const runner = source.createQueryRunner();
      try {
        for (let run = 0; run < 3; run++) {
          await runner.query(texts[0] ?? '', [run]);
        }
        const rows = await runner.manager.query<{ statement: string }[]>(
          'SELECT statement FROM pg_prepared_statements',
        );
        expect(rows.map((r) => r.statement)).toContain(texts[0]);
      } finally {
        await runner.release();
      }
    } finally {
      await source.destroy();
    }
  });

  it('prepares nothing when the settings say so', async () => {
    const source = new DataSource(
      dataSourceOptions({ url, poolSize: 1, logging: false, preparedStatements: false }),
    );
    await source.initialize();
    try {
      for (let run = 0; run < 4; run++) {
        await source.query('SELECT $1::int AS v', [run]);
      }
      expect(await source.query('SELECT statement FROM pg_prepared_statements')).toEqual([]);
    } finally {
      await source.destroy();
    }
  });
});
