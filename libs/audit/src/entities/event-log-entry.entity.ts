import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One record as the broker carried it, on any topic of the environment (DLQs included). Append-only: rows are
 * inserted by the log tap and never changed. Identifiers stay text: a malformed record is kept as it came.
 */
@Entity({ schema: 'audit', name: 'event_log' })
export class EventLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text', { nullable: true })
  eventId!: string | null;

  /** ce_type, or the topic's event type when the header is missing. */
  @Column('text')
  type!: string;

  @Column('integer', { nullable: true })
  version!: number | null;

  @Column('text', { nullable: true })
  source!: string | null;

  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text')
  topic!: string;

  @Column('integer')
  partition!: number;

  @Column('bigint')
  offset!: string;

  @Column('text', { nullable: true })
  recordKey!: string | null;

  @Column('text', { nullable: true })
  tenantId!: string | null;

  @Column('text', { nullable: true })
  correlationId!: string | null;

  @Column('text', { nullable: true })
  causationId!: string | null;

  /** data.orderId when the payload has one. */
  @Column('text', { nullable: true })
  orderId!: string | null;

  /** ce_time, or the record's timestamp when the header is missing or unreadable. */
  @Column('timestamptz')
  occurredAt!: Date;

  @Column('timestamptz', { nullable: true })
  recordTimestamp!: Date | null;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  recordedAt!: Date;

  @Column('jsonb')
  headers!: Record<string, string>;

  /** The value parsed as JSON; null when it is not JSON (then rawValue holds it). */
  @Column('jsonb', { nullable: true })
  payload!: unknown;

  /** The value as text when it is not JSON, and always for a dead letter (a redrive sends it back unchanged). */
  @Column('text', { nullable: true })
  rawValue!: string | null;

  @Column('boolean', { default: false })
  isDeadLetter!: boolean;

  @Column('text', { nullable: true })
  dlqError!: string | null;

  @Column('integer', { nullable: true })
  dlqAttempts!: number | null;

  @Column('text', { nullable: true })
  dlqConsumerGroup!: string | null;

  @Column('text', { nullable: true })
  dlqOriginalTopic!: string | null;

  @Column('integer', { nullable: true })
  dlqOriginalPartition!: number | null;

  @Column('bigint', { nullable: true })
  dlqOriginalOffset!: string | null;

  @Column('timestamptz', { nullable: true })
  dlqFirstFailureAt!: Date | null;

  /** How many times the record was put back from a DLQ (dlq_redrive_count header). */
  @Column('integer', { default: 0 })
  redriveCount!: number;

  /** Set when the record could only be logged in part (e.g. a value PostgreSQL cannot store). */
  @Column('text', { nullable: true })
  ingestError!: string | null;
}
