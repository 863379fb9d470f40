import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  CompensationStep,
  SagaData,
  SagaFailure,
  SagaStatus,
  SagaStep,
  TimerKind,
} from '../order-saga.definition.js';

/** One order's saga, persisted after every step; its timer is a column, so it survives restarts. */
@Entity({ schema: 'saga', name: 'instance' })
export class SagaInstance {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  orderId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('text')
  correlationId!: string;

  @Column('text')
  definition!: string;

  /** The instance finishes on the definition version it started with. */
  @Column('integer')
  definitionVersion!: number;

  @Column('text')
  status!: SagaStatus;

  @Column('text')
  step!: SagaStep;

  @Column('jsonb')
  data!: SagaData;

  @Column('jsonb')
  compensations!: readonly CompensationStep[];

  @Column('jsonb', { nullable: true })
  failure!: SagaFailure | null;

  @Column('text', { nullable: true })
  timerKind!: TimerKind | null;

  @Column('timestamptz', { nullable: true })
  timerAt!: Date | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;
}
