import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ADMIN_ACTIONS = [
  'dlq.redrive',
  'dlq.redrive_batch',
  'order.replay',
  'consumers.reset_offsets',
  // Acts the saga module carried out, recorded from its saga.operator_action events.
  'saga.retry_step',
  'saga.fire_timer',
  'saga.compensate',
  'saga.terminate',
  // Back-office commands the owning modules carry out, recorded from their events.
  'invoice.void',
  'payment.refund',
  'service.suspend',
  'service.unsuspend',
  'service.terminate',
  'account.suspend',
  'account.unsuspend',
] as const;
export type AdminActionType = (typeof ADMIN_ACTIONS)[number];

/** What an operator did through the admin API, who, when, why and how it ended. */
@Entity({ schema: 'audit', name: 'admin_actions' })
export class AdminAction {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text')
  action!: AdminActionType;

  @Column('text')
  actorUserId!: string;

  @Column('text')
  actorTenantId!: string;

  @Column('text')
  actorRole!: string;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at!: Date;

  /** The event log row acted on (the dead letter of a redrive). */
  @Column('bigint', { nullable: true })
  targetRecordId!: string | null;

  @Column('text', { nullable: true })
  targetEventId!: string | null;

  @Column('text', { nullable: true })
  targetTopic!: string | null;

  @Column('text', { nullable: true })
  orderId!: string | null;

  @Column('uuid', { nullable: true })
  replayId!: string | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text')
  result!: 'accepted' | 'refused';

  /** Where a redrive sent the record, or why the action was refused. */
  @Column('text', { nullable: true })
  detail!: string | null;
}
