import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The room one service holds on its node; the node's used counters are the sums of these rows. */
@Entity({ schema: 'provisioning', name: 'node_reservation' })
export class NodeReservation {
  @PrimaryColumn('uuid')
  serviceId!: string;

  @Column('text')
  nodeId!: string;

  @Column('integer')
  vcpus!: number;

  @Column('integer')
  memoryMb!: number;

  @Column('integer')
  diskGb!: number;

  @Column('timestamptz')
  createdAt!: Date;
}
