import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { IpFamily } from '../ip-range.js';

/**
 * A range of addresses of one region and family, with what a guest needs to use one: the on-link prefix, the gateway
 * and the resolvers. Its addresses are rows of ip_address, created with it.
 */
@Entity({ schema: 'provisioning', name: 'ip_pool' })
export class IpPool {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  region!: string;

  @Column('smallint')
  family!: IpFamily;

  @Column('inet')
  firstAddress!: string;

  @Column('inet')
  lastAddress!: string;

  @Column('smallint')
  prefix!: number;

  @Column('inet')
  gateway!: string;

  @Column('inet', { array: true })
  dns!: string[];

  @Column('timestamptz')
  createdAt!: Date;
}
