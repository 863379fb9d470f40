import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SignUpPurpose = 'verify' | 'address_taken';

/** A sign-up waiting for its address to be verified; its id becomes the account's id. */
@Entity({ schema: 'accounts', name: 'sign_up' })
export class SignUp {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  purpose!: SignUpPurpose;

  @Column('text')
  kind!: 'customer' | 'reseller';

  @Column('text')
  name!: string;

  @Column('text')
  email!: string;

  @Column('char', { length: 2 })
  country!: string;

  @Column('char', { length: 3 })
  currency!: string;

  /** SHA-256 of the one-time token; null for an address_taken notice, which has no token. */
  @Column('text', { nullable: true })
  tokenHash!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  expiresAt!: Date;

  @Column('timestamptz', { nullable: true })
  verifiedAt!: Date | null;
}
