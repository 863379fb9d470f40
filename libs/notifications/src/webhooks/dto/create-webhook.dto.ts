import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_EVENT_FILTERS } from '../webhook-events.js';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.com/platforma',
    description: 'https (http only where the operator allows it); no credentials in the URL',
  })
  @IsString()
  @MaxLength(2_048)
  url!: string;

  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_FILTERS,
    example: ['order.created', 'invoice.paid'],
    description: 'Event types to receive, or ["*"] for all of them',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_FILTERS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true })
  events!: string[];

  @ApiProperty({ required: false, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
