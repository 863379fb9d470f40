import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BillingCycle } from './subscription.entity.js';

export interface PlanPrice {
  billingCycle: BillingCycle;
  amountMinor: number;
  currency: string;
}

/** What billing knows of a plan, from catalog.plan.published / retired: its prices and the resources to resize to. */
@Entity({ schema: 'billing', name: 'plan_view' })
export class PlanView {
  @PrimaryColumn('uuid')
  planId!: string;

  @Column('text')
  name!: string;

  @Column('integer')
  vcpus!: number;

  @Column('integer')
  memoryMb!: number;

  @Column('integer')
  diskGb!: number;

  @Column('jsonb')
  prices!: PlanPrice[];

  @Column('boolean')
  retired!: boolean;

  @Column('timestamptz')
  updatedAt!: Date;
}
