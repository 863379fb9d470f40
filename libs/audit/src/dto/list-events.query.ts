import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { AuditPageQuery } from './audit-page.query.js';

export const TOPIC_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;

export class ListEventsQuery extends AuditPageQuery {
  @ApiProperty({ required: false, example: 'order.created' })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[a-z][a-z0-9_.]*$/, { message: 'type must be an event type such as order.created' })
  type?: string;

  @ApiProperty({ required: false, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiProperty({ required: false, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  correlationId?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'Records whose data.orderId is this order' })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiProperty({ required: false, description: 'Topic, with or without the environment prefix' })
  @IsOptional()
  @Matches(TOPIC_PATTERN, { message: 'topic must be a Kafka topic name' })
  topic?: string;

  @ApiProperty({ required: false, enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  deadLetter?: 'true' | 'false';

  @ApiProperty({ required: false, description: 'occurredAt >= from (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiProperty({ required: false, description: 'occurredAt < to (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
