import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** numeric comes back from PostgreSQL as text (it may not fit a double); a ratio such as 1.50 always does. */
const ratio: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string) => Number(value),
};

/**
 * A libvirt host serving a region. Only vCPUs are overcommitted: the node schedules floor(vcpus × cpuOvercommit)
 * of them, while memory and disk are hard limits (guests' memory is not ballooned, disks are not thin-provisioned
 * beyond what is declared). The used counters move only with node_reservation rows, in the same transaction.
 */
@Entity({ schema: 'provisioning', name: 'hypervisor_node' })
export class HypervisorNode {
  /** Slug: lower-case letters, digits and "-", at most 64 characters. */
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  region!: string;

  /** libvirt connection URI: qemu:///system locally, qemu+ssh://user@host/system or qemu+tls://host/system. */
  @Column('text')
  uri!: string;

  @Column('integer')
  vcpus!: number;

  @Column('integer')
  memoryMb!: number;

  @Column('integer')
  diskGb!: number;

  @Column('numeric', { precision: 4, scale: 2, transformer: ratio })
  cpuOvercommit!: number;

  @Column('text')
  storagePool!: string;

  /** Host bridge the guests' NICs join; null: libvirt user-mode networking (development and tests only). */
  @Column('text', { nullable: true })
  bridge!: string | null;

  /** Image code (e.g. debian-12) → name of its base volume in the storage pool. */
  @Column('jsonb')
  images!: Record<string, string>;

  /** A disabled node keeps its machines but gets no new ones. */
  @Column('boolean')
  enabled!: boolean;

  @Column('integer')
  usedVcpus!: number;

  @Column('integer')
  usedMemoryMb!: number;

  @Column('integer')
  usedDiskGb!: number;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
