import { Column, Entity, PrimaryColumn } from 'typeorm';

export type NotificationChannel = 'email' | 'sms';
export type NotificationStatus = 'pending' | 'sent' | 'failed';
export type TemplateVariables = Record<string, string | number | boolean>;

/** One requested notification and its delivery state: the poller sends pending rows whose next attempt is due. */
@Entity({ schema: 'notifications', name: 'notification' })
export class Notification {
  /** The requester's notificationId. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  accountId!: string;

  @Column('text')
  template!: string;

  @Column('text')
  channel!: NotificationChannel;

  @Column('text')
  recipient!: string;

  @Column('text')
  locale!: string;

  @Column('jsonb')
  variables!: TemplateVariables;

  @Column('text')
  status!: NotificationStatus;

  @Column('integer')
  attempts!: number;

  @Column('timestamptz')
  nextAttemptAt!: Date;

  @Column('text', { nullable: true })
  lastError!: string | null;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  @Column('text', { nullable: true })
  providerMessageId!: string | null;

  /** Of the notification.requested: notification.sent / failed belong to the same business flow. */
  @Column('text')
  correlationId!: string;

  @Column('text', { nullable: true })
  causationId!: string | null;

  @Column('text', { nullable: true })
  traceparent!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  sentAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  failedAt!: Date | null;
}
