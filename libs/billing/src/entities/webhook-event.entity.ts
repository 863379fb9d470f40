import { Column, Entity, PrimaryColumn } from 'typeorm';

export type WebhookOutcome = 'paid' | 'failed' | 'ignored';

/** A payment-provider webhook event already acted on; its primary key is what makes a replay a no-op. */
@Entity({ schema: 'billing', name: 'webhook_event' })
export class WebhookEvent {
  /** The provider's event id. */
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  type!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  invoiceId!: string;

  @Column('text')
  outcome!: WebhookOutcome;

  @Column('uuid', { nullable: true })
  paymentId!: string | null;

  @Column('timestamptz')
  receivedAt!: Date;
}
