import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsOptional, Matches, MaxLength } from 'class-validator';
import { PAYLOAD_ID, PAYLOAD_PATH } from '../payload-search.js';
import { ListEventsQuery } from './list-events.query.js';

export class SearchEventsQuery extends ListEventsQuery {
  @ApiProperty({
    required: false,
    format: 'uuid',
    description:
      'Records whose payload names this id anywhere (order, invoice, payment, service, account, …)',
  })
  @IsOptional()
  @Matches(PAYLOAD_ID, { message: 'id must be a UUID' })
  id?: string;

  @ApiProperty({
    required: false,
    example: 'variables.orderId',
    description: 'A payload field: names joined by dots, from the top of the payload (requires value)',
  })
  @IsOptional()
  @MaxLength(200)
  @Matches(PAYLOAD_PATH, { message: 'path must be field names joined by dots, such as variables.orderId' })
  path?: string;

  @ApiProperty({
    required: false,
    description: 'The value of path: text, or also the number, boolean or null it reads as (requires path)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  value?: string;
}
