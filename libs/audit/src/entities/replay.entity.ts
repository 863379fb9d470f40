import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FoldedState, StoredState, StateDifference } from '../order-fold.js';

/** An order replay: the state its logged events imply, and, once orders answered, what orders stores. */
@Entity({ schema: 'audit', name: 'replays' })
export class Replay {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  orderId!: string;

  @Column('text')
  tenantId!: string;

  @Column('text')
  status!: 'pending' | 'done';

  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  requestedAt!: Date;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  @Column('jsonb')
  folded!: FoldedState;

  @Column('jsonb', { nullable: true })
  stored!: StoredState | null;

  @Column('jsonb', { nullable: true })
  differences!: StateDifference[] | null;

  @Column('boolean', { nullable: true })
  matches!: boolean | null;
}
