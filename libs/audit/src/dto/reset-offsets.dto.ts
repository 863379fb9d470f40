import { ApiProperty } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  ValidateIf,
} from 'class-validator';

export class ResetOffsetsDto {
  @ApiProperty({ enum: ['earliest', 'latest', 'time', 'offset'] })
  @IsIn(['earliest', 'latest', 'time', 'offset'])
  to!: 'earliest' | 'latest' | 'time' | 'offset';

  @ApiProperty({
    required: false,
    format: 'date-time',
    description: 'With to=time: the first record at or after it',
  })
  @ValidateIf((dto: ResetOffsetsDto) => dto.to === 'time')
  @IsISO8601({ strict: true })
  time?: string;

  @ApiProperty({
    required: false,
    minimum: 0,
    description: 'With to=offset: the offset on every chosen partition',
  })
  @ValidateIf((dto: ResetOffsetsDto) => dto.to === 'offset')
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiProperty({
    required: false,
    description:
      'Topics (with or without the environment prefix); default: every topic the group committed on',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^[a-zA-Z0-9._-]{1,249}$/, { each: true })
  topics?: string[];

  @ApiProperty({
    required: false,
    default: true,
    description: 'Only show what would be re-consumed or skipped',
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiProperty({
    required: false,
    minLength: 3,
    maxLength: 500,
    description: 'Why (required unless a dry run)',
  })
  @ValidateIf((dto: ResetOffsetsDto) => dto.dryRun === false)
  @IsString()
  @Length(3, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason?: string;
}
