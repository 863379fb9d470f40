import type { EntityManager } from 'typeorm';
import { commitWithNextStatement } from '@app/database';

/** One outbox row as the relay reads it back. */
export interface OutboxRow {
  eventId: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: string;
}

/** The rows of a transaction, per outbox table, in the order they were published. */
class PendingRows {
  private readonly byTable = new Map<string, OutboxRow[]>();

  add(table: string, row: OutboxRow): void {
    const rows = this.byTable.get(table);
    if (rows) {
      rows.push(row);
    } else {
      this.byTable.set(table, [row]);
    }
  }

  /**
   * One INSERT per table, whatever the number of rows: one statement, one NOTIFY (the trigger is per statement).
   * `commits`: the transaction commits right after, and its COMMIT goes with the last INSERT.
   */
  async flush(manager: EntityManager, commits: boolean): Promise<void> {
    for (const [table, rows] of this.byTable) {
      this.byTable.delete(table);
      if (commits && this.byTable.size === 0) {
        commitWithNextStatement(manager);
      }
      await insertOutboxRows(manager, table, rows);
    }
  }
}

/**
 * Rows go in publish order (ids are taken in the order of the arrays): the relay publishes by id, so a tenant's
 * events keep the order they were published in. One statement text whatever the count, so it stays prepared.
 */
export async function insertOutboxRows(
  manager: EntityManager,
  table: string,
  rows: OutboxRow[],
): Promise<void> {
  await manager.query(
    `INSERT INTO ${table} (event_id, topic, key, headers, payload)
     SELECT event_id, topic, key, headers, payload
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[])
            WITH ORDINALITY AS r(event_id, topic, key, headers, payload, n)
      ORDER BY n`,
    [
      rows.map((r) => r.eventId),
      rows.map((r) => r.topic),
      rows.map((r) => r.key),
      rows.map((r) => JSON.stringify(r.headers)),
      rows.map((r) => r.payload),
    ],
  );
}

const pending = new WeakMap<EntityManager, PendingRows>();

/**
 * Runs `work` with the transaction's outbox rows held back and written at its end, in one INSERT per outbox,
 * before the caller commits. Only the code that owns the commit calls this, and it awaits the result before
 * committing: a row published through `manager` (by any UnitOfWork on it) is either in the transaction or the
 * work fails. Outside such a scope publish() writes its row at once.
 *
 * `commitsNext`: the caller commits as soon as this resolves, with nothing in between (the transaction() of
 * @app/database around it, and nothing else). The last INSERT then carries the COMMIT, and resolves once the
 * transaction committed.
 */
export async function withHeldOutbox<T>(
  manager: EntityManager,
  work: () => Promise<T>,
  commitsNext = false,
): Promise<T> {
  if (pending.has(manager)) {
    return work();
  }
  const rows = new PendingRows();
  pending.set(manager, rows);
  try {
    const result = await work();
    await rows.flush(manager, commitsNext);
    return result;
  } finally {
    pending.delete(manager);
  }
}

/** Where a row published through `manager` goes: held for the end of its transaction, or written now. */
export async function writeOutboxRow(manager: EntityManager, table: string, row: OutboxRow): Promise<void> {
  const held = pending.get(manager);
  if (held) {
    held.add(table, row);
  } else {
    await insertOutboxRows(manager, table, [row]);
  }
}
