import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Only a hash of the secret is kept: a leaked table gives no usable key. */
@Entity({ schema: 'accounts', name: 'api_key' })
export class ApiKey {
  @PrimaryColumn('text')
  id!: string;

  @Column('uuid')
  accountId!: string;

  @Column('uuid')
  userId!: string;

  @Column('text')
  secretHash!: string;

  /** The customer's label, e.g. the machine the key is deployed on. */
  @Column('text', { default: 'default' })
  name!: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;
}
