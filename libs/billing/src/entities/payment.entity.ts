import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

/** account_credit: an invoice the account credit covered in full, settled by a capture of 0. */
export type PaymentMethod = 'card' | 'bank_transfer' | 'account_credit';
export type PaymentStatus = 'captured' | 'failed' | 'refunded';

/** One attempt to collect an invoice; its id is the gateway's idempotency key. */
@Entity({ schema: 'billing', name: 'payment' })
export class Payment {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  invoiceId!: string;

  @Column('text')
  method!: PaymentMethod;

  @Column('text')
  status!: PaymentStatus;

  @Column('bigint', { transformer: bigintAsNumber })
  amountMinor!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text', { nullable: true })
  providerReference!: string | null;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
