import { Column, Entity, PrimaryColumn } from 'typeorm';

export type BillingCycle = 'monthly' | 'quarterly' | 'yearly';

export interface PlanPrice {
  billingCycle: BillingCycle;
  amountMinor: number;
  currency: string;
}

@Entity({ schema: 'catalog', name: 'plan' })
export class Plan {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  code!: string;

  @Column('text')
  name!: string;

  @Column('integer')
  vcpus!: number;

  @Column('integer')
  memoryMb!: number;

  @Column('integer')
  diskGb!: number;

  @Column('text', { array: true })
  regions!: string[];

  @Column('jsonb')
  prices!: PlanPrice[];

  @Column('text')
  status!: 'published' | 'retired';

  @Column('uuid', { nullable: true })
  replacementPlanId!: string | null;

  @Column('timestamptz')
  publishedAt!: Date;

  @Column('timestamptz', { nullable: true })
  retiredAt!: Date | null;
}
