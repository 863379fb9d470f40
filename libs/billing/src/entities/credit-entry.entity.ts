import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

export type CreditReason = 'downgrade' | 'applied_to_invoice';

/** Why the credit balance moved: + from a downgrade, − when applied to an invoice. */
@Entity({ schema: 'billing', name: 'credit_entry' })
export class CreditEntry {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  accountId!: string;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  amountMinor!: number;

  @Column('text')
  reason!: CreditReason;

  @Column('uuid', { nullable: true })
  invoiceId!: string | null;

  @Column('uuid', { nullable: true })
  planChangeId!: string | null;

  @Column('timestamptz')
  createdAt!: Date;
}
