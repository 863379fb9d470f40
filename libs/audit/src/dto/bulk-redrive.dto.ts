import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AuditErrorCode, AuditException } from '../audit.exception.js';
import type { DeadLetterSelection } from '../event-log.repository.js';

/** Records one bulk redrive call looks at, at most: more matching ones are left for the next call (nextCursor). */
export const BULK_REDRIVE_CAP = 500;

const ROW_ID = /^[1-9]\d{0,17}$/;

export class RedriveSelectionDto {
  @ApiProperty({
    required: false,
    example: 'invoice.void_requested',
    description: 'The event type (ce_type)',
  })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[a-z][a-z0-9_.]*$/, { message: 'type must be an event type such as order.created' })
  type?: string;

  @ApiProperty({
    required: false,
    example: 'no invoice',
    description: 'Part of the error the consumer gave up with (dlq_error), any case',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  error?: string;

  @ApiProperty({ required: false, description: 'Dead-lettered at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiProperty({ required: false, description: 'Dead-lettered before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiProperty({
    required: false,
    type: [String],
    description: 'Only these dead letters (ids of the DLQ list)',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(BULK_REDRIVE_CAP)
  @ArrayUnique()
  @Matches(ROW_ID, { each: true, message: 'ids must be ids of the dead letter list' })
  ids?: string[];
}

/**
 * A bulk redrive: the dead letters matching every given criterion, oldest first, at most `limit` of them. A dry run
 * (the default) only says what would go and what would be refused; the real run needs a reason.
 */
export class BulkRedriveDto {
  @ApiProperty({ type: RedriveSelectionDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RedriveSelectionDto)
  selection!: RedriveSelectionDto;

  @ApiProperty({ required: false, default: true })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiProperty({ required: false, minLength: 3, maxLength: 500, description: 'Required unless dryRun' })
  @ValidateIf((dto: BulkRedriveDto) => dto.dryRun === false || dto.reason !== undefined)
  @IsString()
  @Length(3, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason?: string;

  @ApiProperty({ required: false, default: BULK_REDRIVE_CAP, minimum: 1, maximum: BULK_REDRIVE_CAP })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(BULK_REDRIVE_CAP)
  limit?: number;

  @ApiProperty({ required: false, description: 'nextCursor of the previous call with the same selection' })
  @IsOptional()
  @Matches(ROW_ID, { message: 'cursor must be the nextCursor of a previous call' })
  cursor?: string;
}

/** The selection as the log is queried with; refuses one that selects everything or an empty time range. */
export function selectionOf(dto: RedriveSelectionDto): DeadLetterSelection {
  const selection: DeadLetterSelection = {
    type: dto.type,
    error: dto.error,
    from: dto.from === undefined ? undefined : new Date(dto.from),
    to: dto.to === undefined ? undefined : new Date(dto.to),
    ids: dto.ids,
  };
  if (Object.values(selection).every((criterion) => criterion === undefined)) {
    throw new AuditException(
      AuditErrorCode.InvalidFilter,
      'the selection is empty: name a type, an error, a time range or ids',
    );
  }
  for (const name of ['from', 'to'] as const) {
    if (Number.isNaN(selection[name]?.getTime())) {
      throw new AuditException(AuditErrorCode.InvalidFilter, `${name} is not a valid instant`);
    }
  }
  if (selection.from && selection.to && selection.from >= selection.to) {
    throw new AuditException(AuditErrorCode.InvalidFilter, 'from is not before to');
  }
  return selection;
}
