import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BuildStep, ServiceState } from '../build.state.js';
import type { MachineNetwork } from '../driver/provisioning.driver.js';

/** A VPS as provisioning knows it. The id is the serviceId the saga allocated, so requests are idempotent. */
@Entity({ schema: 'provisioning', name: 'service' })
export class ServiceRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  orderId!: string;

  @Column('uuid')
  planId!: string;

  @Column('text')
  region!: string;

  @Column('text')
  image!: string;

  @Column('text')
  hostname!: string;

  @Column('integer')
  vcpus!: number;

  @Column('integer')
  memoryMb!: number;

  @Column('integer')
  diskGb!: number;

  @Column('text')
  state!: ServiceState;

  /** The build step now running; null outside a build. */
  @Column('text', { nullable: true })
  step!: BuildStep | null;

  /** The hypervisor node placement chose; null until the build's first step placed it (or after a failure). */
  @Column('text', { nullable: true })
  node!: string | null;

  /** The address leases of the machine (static network config); null for the simulator, which brings its own. */
  @Column('jsonb', { nullable: true })
  network!: MachineNetwork | null;

  @Column('inet', { nullable: true })
  ipv4!: string | null;

  @Column('inet', { nullable: true })
  ipv6!: string | null;

  /** 1 for the first request, +1 for each retry after a retryable failure. */
  @Column('integer')
  attempt!: number;

  @Column('text', { nullable: true })
  failureStep!: BuildStep | null;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  @Column('text', { nullable: true })
  failureMessage!: string | null;

  @Column('boolean', { nullable: true })
  failureRetryable!: boolean | null;

  @Column('text', { nullable: true })
  username!: string | null;

  /** The sealed initial credentials; the row it names is deleted once the customer fetched them. */
  @Column('uuid', { nullable: true })
  credentialsSecretId!: string | null;

  @Column('timestamptz', { nullable: true })
  credentialsRetrievedAt!: Date | null;

  @Column('text', { nullable: true })
  releaseReason!: 'compensation' | 'termination' | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  provisionedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  failedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  releasedAt!: Date | null;

  /** When the first-boot seed (it holds the root password's hash) is removed from the node; null once it is. */
  @Column('timestamptz', { nullable: true })
  seedRemoveAfter!: Date | null;
}
