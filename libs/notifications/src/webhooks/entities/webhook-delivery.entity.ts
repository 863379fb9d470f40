import { Column, Entity, PrimaryColumn } from 'typeorm';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** The JSON body POSTed to the endpoint, the same on every attempt. */
export interface WebhookPayload {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  tenantId: string;
  correlationId: string;
  data: object;
}

/** One event on its way to one endpoint: the durable job the delivery poller runs until it is delivered or failed. */
@Entity({ schema: 'notifications', name: 'webhook_deliveries' })
export class WebhookDelivery {
  /** UUIDv7, the list cursor. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  endpointId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  eventId!: string;

  @Column('text')
  eventType!: string;

  @Column('jsonb')
  payload!: WebhookPayload;

  @Column('text')
  status!: WebhookDeliveryStatus;

  /** Attempts recorded so far; one more is in flight while nextAttemptAt is a claim's lease. */
  @Column('integer')
  attempts!: number;

  @Column('timestamptz')
  nextAttemptAt!: Date;

  @Column('integer', { nullable: true })
  lastStatusCode!: number | null;

  @Column('text', { nullable: true })
  lastError!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  deliveredAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  failedAt!: Date | null;
}
