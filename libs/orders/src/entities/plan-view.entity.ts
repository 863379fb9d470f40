import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface PlanViewPrice {
  billingCycle: 'monthly' | 'quarterly' | 'yearly';
  amountMinor: number;
  currency: string;
}

/** What orders knows of the catalog, learnt only from catalog.plan.* events. */
@Entity({ schema: 'orders', name: 'plan_view' })
export class PlanView {
  @PrimaryColumn('uuid')
  planId!: string;

  @Column('text')
  code!: string;

  @Column('text', { array: true })
  regions!: string[];

  /** Empty: not restricted. */
  @Column('text', { array: true })
  images!: string[];

  @Column('jsonb')
  prices!: PlanViewPrice[];

  @Column('text')
  status!: 'published' | 'retired';

  @Column('timestamptz')
  updatedAt!: Date;
}
