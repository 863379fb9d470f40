import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { SagaStatus } from '@app/contracts';
import type { HistoryEntry, HistoryKind } from './saga-console.view.js';

const COLUMNS = [
  'instance_id',
  'kind',
  'status_before',
  'status_after',
  'step_before',
  'step_after',
  'cause_event_id',
  'cause_type',
  'detail',
];

/**
 * The INSERT of history entries, one row each in the order given (their ids follow it), its parameters numbered
 * from `first`: on its own (appendHistory) or after the UPDATE of the instance they tell of (saveWithHistory).
 */
export function historyInsert(entries: HistoryEntry[], first = 1): { sql: string; parameters: unknown[] } {
  const rows = entries.map(
    (_, i) => `(${COLUMNS.map((_c, j) => `$${first + i * COLUMNS.length + j}`).join(', ')})`,
  );
  return {
    sql: `INSERT INTO saga.history (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
    parameters: entries.flatMap((e) => [
      e.instanceId,
      e.kind,
      e.statusBefore,
      e.statusAfter,
      e.stepBefore,
      e.stepAfter,
      e.causeEventId,
      e.causeType,
      JSON.stringify(e.detail),
    ]),
  };
}

/** saga.history: what each decision and operator action did to an instance, before → after, with its cause. */
@Injectable()
export class SagaHistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Written in the transaction that applied what each entry tells, so history and instance always agree. One INSERT
   * for all entries; their ids follow the order given.
   */
  async appendHistory(manager: EntityManager, entries: HistoryEntry[]): Promise<void> {
    if (entries.length > 0) {
      const { sql, parameters } = historyInsert(entries);
      await manager.query(sql, parameters);
    }
  }

  /** An instance's entries, oldest first. */
  async history(instanceId: string) {
    const rows = await this.dataSource.manager.query<
      {
        id: string;
        at: Date;
        kind: HistoryKind;
        status_before: SagaStatus | null;
        status_after: SagaStatus;
        step_before: string | null;
        step_after: string;
        cause_event_id: string | null;
        cause_type: string | null;
        detail: Record<string, unknown>;
      }[]
    >(
      `SELECT id::text AS id, at, kind, status_before, status_after, step_before, step_after, cause_event_id,
              cause_type, detail
         FROM saga.history h WHERE instance_id = $1 ORDER BY h.id`,
      [instanceId],
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      kind: r.kind,
      statusBefore: r.status_before,
      statusAfter: r.status_after,
      stepBefore: r.step_before,
      stepAfter: r.step_after,
      causeEventId: r.cause_event_id,
      causeType: r.cause_type,
      detail: r.detail,
    }));
  }
}
