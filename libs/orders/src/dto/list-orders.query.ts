import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, type OrderStatus } from '@app/contracts';
import { PageQuery } from '@app/platform';
import { IsIn, IsOptional } from 'class-validator';

export class ListOrdersQuery extends PageQuery {
  @ApiProperty({ required: false, enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}
