import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The newest billing command applied to a service, per kind: suspend/unsuspend/terminate share stateSeq, resize has
 * sizeSeq. Commands travel on separate topics and may overtake each other; one older than what is recorded here is
 * ignored, so the machine ends in the state of the latest command.
 */
@Entity({ schema: 'provisioning', name: 'service_command' })
export class ServiceCommand {
  @PrimaryColumn('uuid')
  serviceId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('integer')
  stateSeq!: number;

  @Column('integer')
  sizeSeq!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
