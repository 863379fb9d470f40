import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '@app/platform';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import {
  INVOICE_KINDS,
  INVOICE_STATUSES,
  type InvoiceKind,
  type InvoiceStatus,
} from '../entities/invoice.entity.js';

export class ListInvoicesQuery extends PageQuery {
  @ApiProperty({ required: false, enum: INVOICE_STATUSES })
  @IsOptional()
  @IsIn(INVOICE_STATUSES)
  status?: InvoiceStatus;

  @ApiProperty({ required: false, format: 'uuid', description: 'Only the invoice of this order' })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiProperty({ required: false, enum: INVOICE_KINDS })
  @IsOptional()
  @IsIn(INVOICE_KINDS)
  kind?: InvoiceKind;
}
