import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

export type PlanChangeDirection = 'upgrade' | 'downgrade' | 'lateral';
/** pending_payment: an upgrade waiting for its invoice; lapsed: the next renewal came first and voided it. */
export type PlanChangeStatus = 'pending_payment' | 'applied' | 'lapsed';

@Entity({ schema: 'billing', name: 'plan_change' })
export class PlanChange {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  subscriptionId!: string;

  @Column('uuid')
  fromPlanId!: string;

  @Column('uuid')
  toPlanId!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  fromPriceMinor!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  toPriceMinor!: number;

  @Column('text')
  direction!: PlanChangeDirection;

  @Column('text')
  status!: PlanChangeStatus;

  /** The price difference for the rest of the paid period, net of tax: charged on an upgrade, credited on a downgrade. */
  @Column('bigint', { transformer: bigintAsNumber })
  proratedMinor!: number;

  /** Downgrade: what went to the account credit, tax included. */
  @Column('bigint', { transformer: bigintAsNumber })
  creditMinor!: number;

  @Column('uuid', { nullable: true })
  invoiceId!: string | null;

  @Column('timestamptz')
  effectiveFrom!: Date;

  @Column('timestamptz')
  periodEnd!: Date;

  @Column('timestamptz')
  requestedAt!: Date;

  @Column('timestamptz', { nullable: true })
  appliedAt!: Date | null;

  @Column('timestamptz')
  updatedAt!: Date;
}
