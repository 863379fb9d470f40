import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Initial credentials of a service, sealed with AES-256-GCM; the plaintext is never stored. */
@Entity({ schema: 'provisioning', name: 'secret' })
export class SealedSecret {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  serviceId!: string;

  @Column('bytea')
  iv!: Buffer;

  @Column('bytea')
  tag!: Buffer;

  @Column('bytea')
  ciphertext!: Buffer;

  @Column('timestamptz')
  createdAt!: Date;
}
