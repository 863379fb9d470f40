import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '../order.state.js';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

@Entity({ schema: 'orders', name: 'order' })
export class Order {
  /** UUIDv7: time-ordered, so it is also the pagination cursor. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  planId!: string;

  @Column('text')
  region!: string;

  @Column('text')
  image!: string;

  @Column('text')
  hostname!: string;

  @Column('text')
  billingCycle!: 'monthly' | 'quarterly' | 'yearly';

  @Column('bigint', { transformer: bigintAsNumber })
  priceMinor!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  setupFeeMinor!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text')
  status!: OrderStatus;

  @Column('uuid', { nullable: true })
  serviceId!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
