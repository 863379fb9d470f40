import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { SAGA_STATUSES, type SagaStatus } from '@app/contracts';
import { PageQuery } from '@app/platform';

/** The console's saga list: by status, step, tenant, age, or stuck (no progress past its step's deadline). */
export class ListSagasQuery extends PageQuery {
  @ApiProperty({ required: false, enum: SAGA_STATUSES })
  @IsOptional()
  @IsIn(SAGA_STATUSES)
  status?: SagaStatus;

  @ApiProperty({ required: false, description: 'invoice, payment, provision or complete' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  step?: string;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiProperty({ required: false, description: 'Only sagas started more than this many seconds ago' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  olderThan?: number;

  @ApiProperty({
    required: false,
    description: "true: only sagas without progress past their step's deadline",
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  stuck?: boolean;
}
