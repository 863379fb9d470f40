import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EventData } from '@app/contracts';

/**
 * An order.created that arrived before billing saw the account's account.created (another topic). It waits here
 * instead of being retried in place: a handler retrying in place holds up its whole consumer, so the
 * account.created it waits for would not be fetched until the order had been dead-lettered.
 */
@Entity({ schema: 'billing', name: 'parked_order' })
export class ParkedOrder {
  @PrimaryColumn('uuid')
  orderId!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  accountId!: string;

  @Column('jsonb')
  payload!: EventData<'order.created'>;

  /** Of the order.created, so the invoice.generated published later still belongs to the order's flow. */
  @Column('text')
  correlationId!: string;

  @Column('uuid')
  causationId!: string;

  @Column('timestamptz')
  parkedAt!: Date;
}
