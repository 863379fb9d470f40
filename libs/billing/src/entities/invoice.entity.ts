import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

export const INVOICE_STATUSES = ['open', 'paid', 'voided'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

@Entity({ schema: 'billing', name: 'invoice' })
export class Invoice {
  /** UUIDv7: time-ordered, so it is also the pagination cursor. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  accountId!: string;

  /** Unique: one invoice per order, however often order.created is delivered. */
  @Column('uuid')
  orderId!: string;

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
