import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * That a service was released, recorded even for a service provisioning never built: a release that overtakes its
 * provisioning.requested (different topics keep no order between them) must stop the later build.
 */
@Entity({ schema: 'provisioning', name: 'release' })
export class ServiceRelease {
  @PrimaryColumn('uuid')
  serviceId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  orderId!: string;

  @Column('text')
  reason!: 'compensation' | 'termination';

  @Column('timestamptz')
  releasedAt!: Date;
}
