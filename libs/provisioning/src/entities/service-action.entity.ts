import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActionStatus, ServiceAction } from '../service-action.state.js';

/**
 * A customer's action on a service: requested over the API, run by provisioning's consumer of
 * service.action_requested, then completed or failed. At most one per service is requested at a time.
 */
@Entity({ schema: 'provisioning', name: 'service_action' })
export class ServiceActionRecord {
  /** Also the actionId of its events. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  serviceId!: string;

  @Column('text')
  action!: ServiceAction;

  @Column('text')
  status!: ActionStatus;

  /** The failure's code (service.action_failed's reason); null unless failed. */
  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('text', { nullable: true })
  message!: string | null;

  @Column('uuid')
  requestedBy!: string;

  /** The request's Idempotency-Key, and the hash of what was asked with it the first time. */
  @Column('text', { nullable: true })
  idempotencyKey!: string | null;

  @Column('text', { nullable: true })
  requestHash!: string | null;

  @Column('timestamptz')
  requestedAt!: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt!: Date | null;
}
