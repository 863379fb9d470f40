import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BuildStep } from '../build.state.js';

/**
 * One attempt at building a service, persisted so that a build survives the process: the poller runs it one step
 * per transaction, and whichever process runs next continues from the recorded step.
 */
@Entity({ schema: 'provisioning', name: 'build_job' })
export class BuildJob {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  serviceId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('integer')
  attempt!: number;

  @Column('text')
  status!: 'running' | 'succeeded' | 'failed' | 'cancelled';

  @Column('text')
  step!: BuildStep;

  /** provisioning.progress for the current step is out, so a step re-run after a restart is not announced twice. */
  @Column('boolean')
  stepAnnounced!: boolean;

  @Column('timestamptz')
  runAfter!: Date;

  /** Consecutive driver errors (not failures the driver reported), for the backoff. */
  @Column('integer')
  driverErrors!: number;

  @Column('text', { nullable: true })
  lastError!: string | null;

  /** Of the provisioning.requested that started it: the job's events belong to the same business flow. */
  @Column('text')
  correlationId!: string;

  @Column('text', { nullable: true })
  causationId!: string | null;

  @Column('text', { nullable: true })
  traceparent!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz')
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;
}
