import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '@app/platform';
import { IsIn, IsOptional } from 'class-validator';
import { ORDER_STATUSES, type OrderStatus } from '../order.state.js';

export class ListOrdersQuery extends PageQuery {
  @ApiProperty({ required: false, enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}
