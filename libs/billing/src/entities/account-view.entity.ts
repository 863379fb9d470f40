import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What billing knows of an account, learnt only from account.created: the country decides the tax rate. */
@Entity({ schema: 'billing', name: 'account_view' })
export class AccountView {
  @PrimaryColumn('uuid')
  accountId!: string;

  @Column('text')
  email!: string;

  @Column('char', { length: 2 })
  country!: string;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('timestamptz')
  updatedAt!: Date;
}
