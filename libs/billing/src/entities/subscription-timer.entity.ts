import { Column, Entity, PrimaryColumn } from 'typeorm';

export const TIMER_KINDS = ['renewal', 'reminder', 'suspension', 'termination'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];
export type TimerStatus = 'pending' | 'fired' | 'cancelled';

/**
 * A durable timer of a subscription, unique per (subscription, period, kind, step): scheduling it again is a no-op
 * and it fires at most once. periodStart names the period it is about (the one a renewal invoices); step is the
 * reminder's day after the due date, 0 for the other kinds.
 */
@Entity({ schema: 'billing', name: 'subscription_timer' })
export class SubscriptionTimer {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  subscriptionId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('text')
  kind!: TimerKind;

  @Column('timestamptz')
  periodStart!: Date;

  @Column('integer')
  step!: number;

  @Column('timestamptz')
  dueAt!: Date;

  @Column('text')
  status!: TimerStatus;

  /** What firing did, e.g. invoiced, suspended, or why it did nothing (already_paid). */
  @Column('text', { nullable: true })
  outcome!: string | null;

  @Column('timestamptz', { nullable: true })
  firedAt!: Date | null;

  @Column('timestamptz')
  createdAt!: Date;
}
