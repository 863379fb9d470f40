import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, transaction } from '@app/database';
import { type OutboxRow, withHeldOutbox, writeOutboxRow } from './outbox-writes.js';

// Held outbox rows on the real PostgreSQL: written in one INSERT at the end of the work, and, when the caller
// commits right after (commitsNext), that INSERT carries the COMMIT. The outbox is a table of the same columns in a
// schema of its own.
describe('withHeldOutbox (real PostgreSQL)', () => {
  const url = process.env.DATABASE_URL ?? '';
  const schema = `held_outbox_${randomBytes(4).toString('hex')}`;
  const table = `${schema}.outbox`;
  const db = new DataSource(dataSourceOptions({ url, poolSize: 2, logging: false }));
  const row = (): OutboxRow => ({
    eventId: randomUUID(),
    topic: 't',
    key: randomUUID(),
    headers: {},
    payload: '{}',
  });
  const stored = async (): Promise<string[]> =>
    (await db.query<{ event_id: string }[]>(`SELECT event_id FROM ${table} ORDER BY id`)).map(
      (r) => r.event_id,
    );

  beforeAll(async () => {
    await db.initialize();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, topic text NOT NULL,
      key text NOT NULL, headers jsonb NOT NULL, payload text NOT NULL)`);
  });

  afterEach(async () => {
    await db.query(`TRUNCATE ${table}`);
  });

  afterAll(async () => {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.destroy();
  });

  it('with commitsNext, the rows are committed when it resolves, in publish order; without, at the commit', async () => {
    const [a, b, c] = [row(), row(), row()];
    const seen: string[][] = [];
    await transaction(db, async (manager) => {
      await withHeldOutbox(
        manager,
        async () => {
          await writeOutboxRow(manager, table, a);
          await writeOutboxRow(manager, table, b);
          // Held: nothing is written before the work ends.
          seen.push(await stored());
        },
        true,
      );
      // Committed with the INSERT: another connection of the pool sees both before the transaction's COMMIT.
      seen.push(await stored());
    });
    await transaction(db, async (manager) => {
      await withHeldOutbox(manager, () => writeOutboxRow(manager, table, c));
      seen.push(await stored());
    });
    seen.push(await stored());
    expect(seen).toEqual([
      [],
      [a.eventId, b.eventId],
      [a.eventId, b.eventId],
      [a.eventId, b.eventId, c.eventId],
    ]);
  });

  it('with commitsNext, a failing INSERT fails the transaction and keeps nothing of it', async () => {
    const a = row();
    await transaction(db, (manager) =>
      withHeldOutbox(manager, () => writeOutboxRow(manager, table, a), true),
    );
    const other = row();
    await expect(
      transaction(db, async (manager) => {
        await manager.query(
          `INSERT INTO ${table} (event_id, topic, key, headers, payload) VALUES ($1, 't', 'k', '{}', '')`,
          [other.eventId],
        );
        // The same event id again: the INSERT fails, the COMMIT behind it is skipped, the transaction rolls back.
        await withHeldOutbox(
          manager,
          () => writeOutboxRow(manager, table, { ...row(), eventId: a.eventId }),
          true,
        );
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await stored()).toEqual([a.eventId]);
    // The pool's connections are usable and outside any transaction.
    await transaction(db, (manager) =>
      withHeldOutbox(manager, () => writeOutboxRow(manager, table, other), true),
    );
    expect(await stored()).toEqual([a.eventId, other.eventId]);
  });
});
