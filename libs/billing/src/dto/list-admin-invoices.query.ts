import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { INVOICE_STATUSES, type InvoiceStatus } from '../entities/invoice.entity.js';

export const ADMIN_PAGE_DEFAULT = 50;
export const ADMIN_PAGE_MAX = 200;

export class ListAdminInvoicesQuery {
  @ApiProperty({ required: false, default: ADMIN_PAGE_DEFAULT, minimum: 1, maximum: ADMIN_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ADMIN_PAGE_MAX)
  limit?: number;

  @ApiProperty({ required: false, format: 'uuid', description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @ApiProperty({ required: false, enum: INVOICE_STATUSES })
  @IsOptional()
  @IsIn(INVOICE_STATUSES)
  status?: InvoiceStatus;

  @ApiProperty({ required: false, format: 'uuid', description: 'Only the invoices of this tenant' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'Only the invoices of this order' })
  @IsOptional()
  @IsUUID()
  orderId?: string;
}
