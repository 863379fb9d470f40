import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ADMIN_SERVICES_PAGE } from '../admin/services-admin.view.js';
import { SERVICE_STATES, type ServiceState } from '../build.state.js';

/** The back office's list of services across tenants: by status, tenant or order; keyset pages. */
export class ListAdminServicesQuery {
  @ApiProperty({
    required: false,
    default: ADMIN_SERVICES_PAGE.defaultLimit,
    minimum: 1,
    maximum: ADMIN_SERVICES_PAGE.maxLimit,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ADMIN_SERVICES_PAGE.maxLimit)
  limit?: number;

  @ApiProperty({ required: false, description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @ApiProperty({ required: false, enum: SERVICE_STATES })
  @IsOptional()
  @IsIn(SERVICE_STATES)
  status?: ServiceState;

  @ApiProperty({ required: false, description: 'The owning account' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  orderId?: string;
}
