import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One POST of a delivery: what the endpoint answered (statusCode) or why there was no answer (error). */
@Entity({ schema: 'notifications', name: 'webhook_delivery_attempts' })
export class WebhookDeliveryAttempt {
  @PrimaryColumn('uuid')
  deliveryId!: string;

  /** 1 for the first attempt. */
  @PrimaryColumn('integer')
  attempt!: number;

  @Column('timestamptz')
  at!: Date;

  @Column('integer', { nullable: true })
  statusCode!: number | null;

  @Column('integer')
  durationMs!: number;

  @Column('text', { nullable: true })
  error!: string | null;
}
