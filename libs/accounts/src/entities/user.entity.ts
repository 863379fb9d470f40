import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@app/platform';

@Entity({ schema: 'accounts', name: 'user' })
export class User {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  accountId!: string;

  @Column('text')
  email!: string;

  @Column('text')
  role!: Role;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt!: Date;
}
