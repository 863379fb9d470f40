import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers.js';

@Entity({ schema: 'billing', name: 'invoice_line' })
export class InvoiceLine {
  @PrimaryColumn('uuid')
  invoiceId!: string;

  /** Print order, from 1. */
  @PrimaryColumn('integer')
  position!: number;

  @Column('text')
  description!: string;

  @Column('integer')
  quantity!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  unitPriceMinor!: number;

  @Column('bigint', { transformer: bigintAsNumber })
  amountMinor!: number;

  /** charge, or credit: the account credit applied, printed as a negative line after the charges and the tax. */
  @Column('text', { default: 'charge' })
  kind?: 'charge' | 'credit';
}
