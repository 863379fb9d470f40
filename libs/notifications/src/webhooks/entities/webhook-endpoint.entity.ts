import { Column, Entity, PrimaryColumn } from 'typeorm';

export const WEBHOOK_ENDPOINT_STATUSES = ['active', 'disabled', 'deleted'] as const;
/** disabled: the endpoint answered 410 Gone; deleted: the tenant removed it (kept for its delivery log). */
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

/** A URL a tenant registered to receive its events, with its signing secret sealed (AES-256-GCM, SECRETS_KEY). */
@Entity({ schema: 'notifications', name: 'webhook_endpoints' })
export class WebhookEndpoint {
  /** UUIDv7, the list cursor. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('text')
  url!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  /** Event types, or ['*'] for every webhook event. */
  @Column('text', { array: true })
  events!: string[];

  @Column('text')
  status!: WebhookEndpointStatus;

  @Column('bytea')
  secretIv!: Buffer;

  @Column('bytea')
  secretTag!: Buffer;

  @Column('bytea')
  secretCiphertext!: Buffer;

  @Column('timestamptz')
  secretRotatedAt!: Date;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  disabledAt!: Date | null;
}
