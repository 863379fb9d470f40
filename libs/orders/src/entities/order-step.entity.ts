import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrderStatus } from '../order.state.js';

/**
 * What a line of an order's history tells: a status change, or news the customer watches while the status holds
 * (action: what was done to the order's service once delivered, e.g. a reboot).
 */
export type OrderStepKind = 'status' | 'invoice' | 'payment' | 'progress' | 'action';
export type OrderStepDetail = Record<string, string | number | boolean | null>;

/**
 * One line of an order's history: the status it reached (or held) and the event (or command) behind it. Lines are
 * written only while the order's row is locked, so their ids grow in commit order for each order: a reader resuming
 * after an id misses none.
 */
@Entity({ schema: 'orders', name: 'order_step' })
export class OrderStep {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('uuid')
  orderId!: string;

  @Column('text')
  status!: OrderStatus;

  @Column('text', { default: 'status' })
  kind!: OrderStepKind;

  /** The news itself for kinds other than status, e.g. { step, percent } of provisioning progress. */
  @Column('jsonb', { nullable: true })
  detail!: OrderStepDetail | null;

  @Column('text', { nullable: true })
  eventType!: string | null;

  @Column('uuid', { nullable: true })
  eventId!: string | null;

  @Column('text', { nullable: true })
  note!: string | null;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at!: Date;
}
