import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const DEFAULT_LIMIT = 50;

/**
 * Cursor pagination of the audit lists. Their rows have bigserial ids (insertion order), not UUIDv7, so the cursor
 * is the id of the last row of the previous page; larger pages than the storefront's, for operators.
 */
export class AuditPageQuery {
  @ApiProperty({ required: false, default: DEFAULT_LIMIT, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiProperty({ required: false, description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}
