import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

export const BILLING_CYCLES = ['monthly', 'quarterly', 'yearly'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export const SUBSCRIPTION_STATUSES = ['pending', 'active', 'suspended', 'terminated'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Who suspended a subscription: dunning (a payment lifts it) or an operator (only an operator lifts it). */
export const SUSPEND_REASONS = ['non_payment', 'operator'] as const;
export type SuspendReason = (typeof SUSPEND_REASONS)[number];

/**
 * What a service costs and how far it is paid. Pending from order.created (plan, cycle, price) until order.completed
 * names the service; then periods are whole billing cycles from anchorAt, and paidPeriods of them are paid: the
 * current period is the last paid one.
 */
@Entity({ schema: 'billing', name: 'subscription' })
export class Subscription {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  accountId!: string;

  @Column('uuid')
  orderId!: string;

  @Column('uuid', { nullable: true })
  serviceId!: string | null;

  @Column('uuid')
  planId!: string;

  @Column('text')
  hostname!: string;

  @Column('text')
  billingCycle!: BillingCycle;

  /** Net price per cycle, in minor units; changes with the plan. */
  @Column('bigint', { transformer: bigintAsNumber })
  priceMinor!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('text')
  status!: SubscriptionStatus;

  @Column('timestamptz', { nullable: true })
  anchorAt!: Date | null;

  @Column('integer')
  paidPeriods!: number;

  @Column('timestamptz', { nullable: true })
  currentPeriodStart!: Date | null;

  /** Paid through: the renewal for the period starting here is invoiced RENEWAL_LEAD_DAYS before it. */
  @Column('timestamptz', { nullable: true })
  currentPeriodEnd!: Date | null;

  /** Sequence of the last command sent to provisioning about the service. */
  @Column('integer')
  commandSeq!: number;

  @Column('timestamptz', { nullable: true })
  activatedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  suspendedAt!: Date | null;

  /** Set while suspended. */
  @Column('text', { nullable: true })
  suspendReason!: SuspendReason | null;

  @Column('timestamptz', { nullable: true })
  terminatedAt!: Date | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
