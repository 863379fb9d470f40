import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
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

export type DeadLetterRow = EventLogEntry & { redriven: boolean };

const COLUMNS = [
  'topic_prefix',
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
  r.topicPrefix,
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

/** Rows per INSERT statement: 29 parameters each, well under PostgreSQL's 65535. */
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

  private scoped(prefix: string, manager: EntityManager = this.dataSource.manager) {
    return manager.createQueryBuilder(EventLogEntry, 'e').where('e.topicPrefix = :prefix', { prefix });
  }

  /** Newest first; `before` is the id of the last row of the previous page. */
  list(prefix: string, filter: EventFilter, limit: number, before?: string): Promise<EventLogEntry[]> {
    const q = this.filtered(this.scoped(prefix), filter);
    if (before) {
      q.andWhere('e.id < :before', { before });
    }
    return q.orderBy('e.id', 'DESC').limit(limit).getMany();
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

  byEventId(prefix: string, eventId: string): Promise<EventLogEntry[]> {
    // Stored ids had their NUL characters replaced (PostgreSQL text holds none): look them up the same way.
    return this.scoped(prefix)
      .andWhere('e.eventId = :eventId', { eventId: storable(eventId) })
      .orderBy('e.id', 'ASC')
      .getMany();
  }

  byId(prefix: string, id: string, manager?: EntityManager): Promise<EventLogEntry | null> {
    return this.scoped(prefix, manager).andWhere('e.id = :id', { id }).getOne();
  }

  /**
   * Whether `topic` carried this dead letter's event as it is: a DLQ is written by every consumer of its topic, the
   * topic itself only by the event's producer, so only a record seen there is the producer's.
   */
  carried(prefix: string, topic: string, letter: EventLogEntry): Promise<boolean> {
    return this.scoped(prefix)
      .andWhere('e.topic = :topic AND NOT e.isDeadLetter', { topic })
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
  forOrder(prefix: string, orderId: string): Promise<EventLogEntry[]> {
    return this.scoped(prefix)
      .andWhere(
        `(e.orderId = :orderId OR e.correlationId IN (
           SELECT c.correlation_id FROM audit.event_log c
           WHERE c.topic_prefix = :prefix AND c.order_id = :orderId AND c.type = 'order.created'
             AND c.correlation_id IS NOT NULL))`,
        { orderId },
      )
      .orderBy('e.id', 'ASC')
      .getMany();
  }

  async deadLetters(
    prefix: string,
    limit: number,
    topic?: string,
    before?: string,
  ): Promise<DeadLetterRow[]> {
    const q = this.scoped(prefix)
      .andWhere('e.isDeadLetter')
      .addSelect(
        `EXISTS (SELECT 1 FROM audit.admin_actions a
           WHERE a.target_record_id = e.id AND a.action = 'dlq.redrive' AND a.result = 'accepted')`,
        'redriven',
      );
    if (topic !== undefined) {
      q.andWhere('e.topic = :topic', { topic });
    }
    if (before) {
      q.andWhere('e.id < :before', { before });
    }
    const { entities, raw } = await q.orderBy('e.id', 'DESC').limit(limit).getRawAndEntities<{
      redriven: boolean;
    }>();
    return entities.map((entry, i) => Object.assign(entry, { redriven: raw[i]?.redriven === true }));
  }
}
