import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { IpFamily } from '../ip-range.js';

/**
 * One address of a pool. The primary key makes an address one row, so one holder; a unique index on
 * (service_id, family) gives a service at most one address of each family.
 */
@Entity({ schema: 'provisioning', name: 'ip_address' })
export class IpAddress {
  @PrimaryColumn('inet')
  address!: string;

  @Column('uuid')
  poolId!: string;

  @Column('smallint')
  family!: IpFamily;

  /** The service holding it; null while free. */
  @Column('uuid', { nullable: true })
  serviceId!: string | null;

  @Column('timestamptz', { nullable: true })
  allocatedAt!: Date | null;

  /** When it was last given back; free addresses are handed out never-used first, then longest free. */
  @Column('timestamptz', { nullable: true })
  releasedAt!: Date | null;
}
