import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

/** An account's credit balance in one currency; the row is locked by whoever moves it. */
@Entity({ schema: 'billing', name: 'account_credit' })
export class AccountCredit {
  @PrimaryColumn('uuid')
  accountId!: string;

  @PrimaryColumn('char', { length: 3 })
  currency!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  balanceMinor!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
