import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { EventLogEntry } from './entities/event-log-entry.entity.js';
import { degradedRow, type NewLogRow, storable } from './event-log.record.js';

export interface EventFilter {
  type?: string;
  tenantId?: string;
  correlationId?: string;
  orderId?: string;
  topic?: string;
  deadLetter?: boolean;
  from?: Date;
  to?: Date;
}

/** An operator's search (see payload-search.ts): the filter, plus terms served by the AuditSearch indexes. */
export interface EventSearch extends EventFilter {
  /** An id named anywhere in the payload, lower case. */
  payloadId?: string;
  /** The payload contains one of these JSON documents. */
  containsAnyOf?: string[];
}

export type DeadLetterRow = EventLogEntry & { redriven: boolean };

/** What a bulk redrive takes: every given criterion must hold (error: part of the consumer's error, any case). */
export interface DeadLetterSelection {
  type?: string;
  error?: string;
  from?: Date;
  to?: Date;
  ids?: string[];
}

const COLUMNS = [
  'event_id',
  'type',
  'version',
  'source',
  'subject',
  'topic',
  'partition',
  '"offset"',
  'record_key',
  'tenant_id',
  'correlation_id',
  'causation_id',
  'order_id',
  'occurred_at',
  'record_timestamp',
  'headers',
  'payload',
  'raw_value',
  'is_dead_letter',
  'dlq_error',
  'dlq_attempts',
  'dlq_consumer_group',
  'dlq_original_topic',
  'dlq_original_partition',
  'dlq_original_offset',
  'dlq_first_failure_at',
  'redrive_count',
  'ingest_error',
];

const values = (r: NewLogRow): unknown[] => [
  r.eventId,
  r.type,
  r.version,
  r.source,
  r.subject,
  r.topic,
  r.partition,
  r.offset,
  r.recordKey,
  r.tenantId,
  r.correlationId,
  r.causationId,
  r.orderId,
  r.occurredAt,
  r.recordTimestamp,
  JSON.stringify(r.headers),
  r.payload,
  r.rawValue,
  r.isDeadLetter,
  r.dlqError,
  r.dlqAttempts,
  r.dlqConsumerGroup,
  r.dlqOriginalTopic,
  r.dlqOriginalPartition,
  r.dlqOriginalOffset,
  r.dlqFirstFailureAt,
  r.redriveCount,
  r.ingestError,
];

/** Rows per INSERT statement: 28 parameters each, well under PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 500;

const isDataException = (error: unknown): boolean => {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown }).driverError?.code;
  return typeof code === 'string' && code.startsWith('22');
};

/** All database I/O of the event log. Only appends and reads: there is no path that changes a logged row. */
@Injectable()
export class EventLogRepository {
  private readonly logger = new Logger(EventLogRepository.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends records; one already logged (same event on the same topic and redrive, or for records without an
   * event id the same topic position) is skipped. Returns how many rows were new. A row PostgreSQL refuses for
   * its content is stored in part (see degradedRow) so that one odd record never blocks the log.
   */
  async append(rows: NewLogRow[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      try {
        inserted += await this.insert(chunk);
      } catch (error) {
        if (!isDataException(error)) {
          throw error;
        }
        for (const row of chunk) {
          inserted += await this.insertOne(row);
        }
      }
    }
    return inserted;
  }

  private async insertOne(row: NewLogRow): Promise<number> {
    try {
      return await this.insert([row]);
    } catch (error) {
      if (!isDataException(error)) {
        throw error;
      }
      const reason = (error as Error).message;
      this.logger.warn(`${row.topic}/${row.partition}@${row.offset} logged without its content: ${reason}`);
      return this.insert([degradedRow(row, reason)]);
    }
  }

  private async insert(rows: NewLogRow[]): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }
    const width = COLUMNS.length;
    const tuples = rows.map(
      (_, r) =>
        `(${COLUMNS.map((column, c) => {
          const p = `$${r * width + c + 1}`;
          return column === 'headers' || column === 'payload' ? `${p}::jsonb` : p;
        }).join(', ')})`,
    );
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO audit.event_log (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT DO NOTHING RETURNING id`,
      rows.flatMap(values),
    );
    return inserted.length;
  }

  private entries(): SelectQueryBuilder<EventLogEntry> {
    return this.dataSource.manager.createQueryBuilder(EventLogEntry, 'e');
  }

  /** Newest first; `before` is the id of the last row of the previous page. */
  list(filter: EventFilter, limit: number, before?: string): Promise<EventLogEntry[]> {
    const q = this.filtered(this.entries(), filter);
    if (before) {
      q.andWhere('e.id < :before', { before });
    }
    return q.orderBy('e.id', 'DESC').limit(limit).getMany();
  }

  /**
   * Newest first by occurrence, then id; `before` is the id of the last row of the previous page. A keyset on
   * (occurred_at, id), which event_log_occurred_id_idx holds in order: rows logged while an operator pages (late
   * records with an older time included) can neither repeat a row nor shift one out of the pages.
   */
  search(search: EventSearch, limit: number, before?: string): Promise<EventLogEntry[]> {
    return this.searchQuery(search, limit, before).getMany();
  }

  /** The statement search() runs; its tests read its plan. */
  searchQuery(search: EventSearch, limit: number, before?: string): SelectQueryBuilder<EventLogEntry> {
    const q = this.filtered(this.entries(), search);
    if (search.payloadId !== undefined) {
      // The very expression of event_log_payload_ids_idx, or the index does not apply.
      q.andWhere('audit.payload_ids(e.payload) @> ARRAY[CAST(:payloadId AS text)]', {
        payloadId: search.payloadId,
      });
    }
    if (search.containsAnyOf !== undefined) {
      const terms = search.containsAnyOf.map((_, i) => `e.payload @> CAST(:contains${i} AS jsonb)`);
      q.andWhere(
        `(${terms.join(' OR ')})`,
        Object.fromEntries(search.containsAnyOf.map((doc, i) => [`contains${i}`, doc])),
      );
    }
    if (before) {
      q.andWhere(
        '(e.occurred_at, e.id) < (SELECT c.occurred_at, c.id FROM audit.event_log c WHERE c.id = :before)',
        { before },
      );
    }
    return q.orderBy('e.occurredAt', 'DESC').addOrderBy('e.id', 'DESC').limit(limit);
  }

  private filtered(q: SelectQueryBuilder<EventLogEntry>, f: EventFilter): SelectQueryBuilder<EventLogEntry> {
    if (f.type !== undefined) {
      q.andWhere('e.type = :type', { type: f.type });
    }
    if (f.tenantId !== undefined) {
      q.andWhere('e.tenantId = :tenantId', { tenantId: f.tenantId });
    }
    if (f.correlationId !== undefined) {
      q.andWhere('e.correlationId = :correlationId', { correlationId: f.correlationId });
    }
    if (f.orderId !== undefined) {
      q.andWhere('e.orderId = :orderId', { orderId: f.orderId });
    }
    if (f.topic !== undefined) {
      q.andWhere('e.topic = :topic', { topic: f.topic });
    }
    if (f.deadLetter !== undefined) {
      q.andWhere('e.isDeadLetter = :deadLetter', { deadLetter: f.deadLetter });
    }
    if (f.from !== undefined) {
      q.andWhere('e.occurredAt >= :from', { from: f.from });
    }
    if (f.to !== undefined) {
      q.andWhere('e.occurredAt < :to', { to: f.to });
    }
    return q;
  }

  byEventId(eventId: string): Promise<EventLogEntry[]> {
    // Stored ids had their NUL characters replaced (PostgreSQL text holds none): look them up the same way.
    return this.entries()
      .where('e.eventId = :eventId', { eventId: storable(eventId) })
      .orderBy('e.id', 'ASC')
      .getMany();
  }

  byId(id: string): Promise<EventLogEntry | null> {
    return this.entries().where('e.id = :id', { id }).getOne();
  }

  /**
   * Whether `topic` carried this dead letter's event as it is: a DLQ is written by every consumer of its topic, the
   * topic itself only by the event's producer, so only a record seen there is the producer's.
   */
  carried(topic: string, letter: EventLogEntry): Promise<boolean> {
    return this.entries()
      .where('e.topic = :topic AND NOT e.isDeadLetter', { topic })
      .andWhere('e.eventId = :eventId AND e.type = :type', { eventId: letter.eventId, type: letter.type })
      .andWhere('e.source IS NOT DISTINCT FROM :source', { source: letter.source })
      .andWhere('e.subject IS NOT DISTINCT FROM :subject', { subject: letter.subject })
      .andWhere('e.version IS NOT DISTINCT FROM :version', { version: letter.version })
      .andWhere('e.recordKey IS NOT DISTINCT FROM :recordKey', { recordKey: letter.recordKey })
      .andWhere('e.tenantId IS NOT DISTINCT FROM :tenantId', { tenantId: letter.tenantId })
      .andWhere('e.correlationId IS NOT DISTINCT FROM :correlationId', {
        correlationId: letter.correlationId,
      })
      .andWhere('e.causationId IS NOT DISTINCT FROM :causationId', { causationId: letter.causationId })
      .andWhere('e.payload = CAST(:payload AS jsonb)', { payload: JSON.stringify(letter.payload) })
      .getExists();
  }

  /**
   * An order's records: those naming it (data.orderId) and every record sharing the correlation id of its
   * order.created, i.e. everything its saga caused, also events that do not name the order.
   */
  forOrder(orderId: string): Promise<EventLogEntry[]> {
    return this.entries()
      .where(
        `(e.orderId = :orderId OR e.correlationId IN (
           SELECT c.correlation_id FROM audit.event_log c
           WHERE c.order_id = :orderId AND c.type = 'order.created' AND c.correlation_id IS NOT NULL))`,
        { orderId },
      )
      .orderBy('e.id', 'ASC')
      .getMany();
  }

  deadLetters(limit: number, topic?: string, before?: string): Promise<DeadLetterRow[]> {
    const q = this.entries().where('e.isDeadLetter');
    if (topic !== undefined) {
      q.andWhere('e.topic = :topic', { topic });
    }
    if (before) {
      q.andWhere('e.id < :before', { before });
    }
    return this.withRedriven(q.orderBy('e.id', 'DESC').limit(limit));
  }

  /** The dead letters a bulk redrive selected, oldest first; `after` is the id of the last row of the previous page. */
  selectDeadLetters(selection: DeadLetterSelection, limit: number, after?: string): Promise<DeadLetterRow[]> {
    const q = this.entries().where('e.isDeadLetter');
    const { type, error, from, to, ids } = selection;
    if (type !== undefined) {
      q.andWhere('e.type = :type', { type });
    }
    if (error !== undefined) {
      q.andWhere('strpos(lower(e.dlqError), lower(:error)) > 0', { error });
    }
    // When it was dead-lettered: the DLQ record's timestamp, or when the log got it should the record have none.
    if (from !== undefined) {
      q.andWhere('coalesce(e.recordTimestamp, e.recordedAt) >= :from', { from });
    }
    if (to !== undefined) {
      q.andWhere('coalesce(e.recordTimestamp, e.recordedAt) < :to', { to });
    }
    if (ids !== undefined) {
      q.andWhere('e.id IN (:...ids)', { ids });
    }
    if (after) {
      q.andWhere('e.id > :after', { after });
    }
    return this.withRedriven(q.orderBy('e.id', 'ASC').limit(limit));
  }

  private async withRedriven(q: SelectQueryBuilder<EventLogEntry>): Promise<DeadLetterRow[]> {
    const { entities, raw } = await q
      .addSelect(
        `EXISTS (SELECT 1 FROM audit.admin_actions a
           WHERE a.target_record_id = e.id AND a.action = 'dlq.redrive' AND a.result = 'accepted')`,
        'redriven',
      )
      .getRawAndEntities<{ redriven: boolean }>();
    return entities.map((entry, i) => Object.assign(entry, { redriven: raw[i]?.redriven === true }));
  }
}
