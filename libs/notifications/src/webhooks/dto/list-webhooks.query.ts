import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@app/platform';

export class ListWebhooksQuery extends PageQuery {
  @ApiProperty({ required: false, format: 'uuid', description: 'Operators only: another tenant’s webhooks' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
