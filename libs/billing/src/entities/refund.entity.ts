import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

/** Keyed by the saga's refundId, so a redelivered refund request finds its refund instead of making another. */
@Entity({ schema: 'billing', name: 'refund' })
export class Refund {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  paymentId!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  amountMinor!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text')
  reason!: string;

  @Column('text')
  providerReference!: string;

  @Column('timestamptz')
  createdAt!: Date;
}
