import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '@app/contracts';
import { KeysetPageQuery } from '@app/platform';
import type { AdminOrdersQuery } from '../admin/orders-admin.view.js';

export class ListOrdersAdminQuery extends KeysetPageQuery implements AdminOrdersQuery {
  @ApiProperty({ required: false, enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  planId?: string;

  @ApiProperty({ required: false, description: 'Orders created at or after this ISO 8601 date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  createdFrom?: string;

  @ApiProperty({ required: false, description: 'Orders created before this ISO 8601 date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  createdTo?: string;
}
