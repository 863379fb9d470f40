import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { SERVICE_STATES, type ServiceState } from '../build.state.js';

export class ListServicesQuery {
  @ApiProperty({ required: false, enum: SERVICE_STATES })
  @IsOptional()
  @IsIn(SERVICE_STATES)
  status?: ServiceState;

  @ApiProperty({ required: false, default: 50, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiProperty({ required: false, description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}
