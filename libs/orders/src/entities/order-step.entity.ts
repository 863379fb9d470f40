import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrderStatus } from '../order.state.js';

/** One line of an order's history: the status it reached and the event (or command) that moved it. */
@Entity({ schema: 'orders', name: 'order_step' })
export class OrderStep {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('uuid')
  orderId!: string;

  @Column('text')
  status!: OrderStatus;

  @Column('text', { nullable: true })
  eventType!: string | null;

  @Column('uuid', { nullable: true })
  eventId!: string | null;

  @Column('text', { nullable: true })
  note!: string | null;

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  at!: Date;
}
