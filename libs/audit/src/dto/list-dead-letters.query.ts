import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { AuditPageQuery } from './audit-page.query.js';
import { TOPIC_PATTERN } from './list-events.query.js';

export class ListDeadLettersQuery extends AuditPageQuery {
  @ApiProperty({ required: false, description: 'DLQ topic, with or without the environment prefix' })
  @IsOptional()
  @Matches(TOPIC_PATTERN, { message: 'topic must be a Kafka topic name' })
  topic?: string;
}
