import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '@app/platform';
import { IsIn, IsOptional } from 'class-validator';
import { SERVICE_STATES, type ServiceState } from '../build.state.js';

export class ListServicesQuery extends PageQuery {
  @ApiProperty({ required: false, enum: SERVICE_STATES })
  @IsOptional()
  @IsIn(SERVICE_STATES)
  status?: ServiceState;
}
