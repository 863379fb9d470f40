import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AccountKind = 'customer' | 'reseller' | 'operator';
export type AccountStatus = 'active' | 'suspended';

/** A tenant: a customer or reseller (or the operator itself). Its id is the tenant id on every event. */
@Entity({ schema: 'accounts', name: 'account' })
export class Account {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  kind!: AccountKind;

  @Column('text')
  name!: string;

  @Column('text')
  email!: string;

  @Column('char', { length: 2 })
  country!: string;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text')
  status!: AccountStatus;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt!: Date;

  // The suspension columns are the back office's (admin/accounts-admin.repository.ts reads them) and are not mapped
  // here, so no customer-facing answer built from the entity shows an operator's note.

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt!: Date;
}
