import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

export const INVOICE_STATUSES = ['open', 'paid', 'voided'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_KINDS = ['order', 'renewal', 'plan_change'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

@Entity({ schema: 'billing', name: 'invoice' })
export class Invoice {
  /** UUIDv7: time-ordered, so it is also the pagination cursor. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  accountId!: string;

  /** One 'order' invoice per order, however often order.created is delivered; renewals carry their order's id too. */
  @Column('uuid')
  orderId!: string;

  /** order: the order's first invoice; renewal: the next period of a subscription; plan_change: an upgrade. */
  @Column('text', { default: 'order' })
  kind!: InvoiceKind;

  @Column('uuid', { nullable: true })
  subscriptionId!: string | null;

  /** The period a renewal pays for, or the rest of the period an upgrade pays for. */
  @Column('timestamptz', { nullable: true })
  periodStart!: Date | null;

  @Column('timestamptz', { nullable: true })
  periodEnd!: Date | null;

  /** Unique; renewal:<serviceId>:<period start> makes a renewal once per service and period. */
  @Column('text', { nullable: true })
  idempotencyKey!: string | null;

  /** Account credit applied after tax: totalMinor = subtotalMinor + taxMinor - creditAppliedMinor. */
  @Column('bigint', { transformer: bigintAsNumber, default: 0 })
  creditAppliedMinor!: number;

  @Column('text')
  number!: string;

  @Column('text')
  status!: InvoiceStatus;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  subtotalMinor!: number;

  @Column('integer')
  taxRateBp!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  taxMinor!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  totalMinor!: number;

  @Column('timestamptz')
  dueAt!: Date;

  @Column('timestamptz')
  issuedAt!: Date;

  @Column('timestamptz', { nullable: true })
  paidAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  voidedAt!: Date | null;

  @Column('text', { nullable: true })
  voidReason!: string | null;

  /** The order's correlation id: payments made later over HTTP still belong to the order's flow. */
  @Column('text')
  correlationId!: string;

  /** A void the saga asked for while the invoice's payment was still captured: done once the refund is. */
  @Column('text', { nullable: true })
  pendingVoidReason!: string | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
