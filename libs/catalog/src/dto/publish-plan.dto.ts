import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const CODE = /^[a-z0-9][a-z0-9.-]*$/;

export class PlanPriceDto {
  @ApiProperty({ enum: ['monthly', 'quarterly', 'yearly'] })
  @IsIn(['monthly', 'quarterly', 'yearly'])
  billingCycle!: 'monthly' | 'quarterly' | 'yearly';

  @ApiProperty({ description: 'Price per cycle in minor units', example: 1299 })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  amountMinor!: number;

  @ApiProperty({ example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}

export class PublishPlanDto {
  @ApiProperty({ example: 'vps-2c-4g' })
  @Matches(CODE, { message: 'code may hold lower-case letters, digits, "." and "-"' })
  @Length(1, 64)
  code!: string;

  @ApiProperty({ example: 'VPS 2 vCPU / 4 GB' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(256)
  vcpus!: number;

  @ApiProperty({ example: 4096 })
  @IsInt()
  @Min(256)
  @Max(4_194_304)
  memoryMb!: number;

  @ApiProperty({ example: 80 })
  @IsInt()
  @Min(1)
  @Max(65_536)
  diskGb!: number;

  @ApiProperty({ example: ['eu-central-1'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @Matches(CODE, { each: true })
  regions!: string[];

  @ApiProperty({ required: false, description: 'Defaults to every image of the chosen regions' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @Matches(CODE, { each: true })
  images?: string[];

  @ApiProperty({ type: [PlanPriceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PlanPriceDto)
  prices!: PlanPriceDto[];
}

export class RetirePlanDto {
  @ApiProperty({ required: false, format: 'uuid' })
  @IsOptional()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'replacementPlanId must be a UUID',
  })
  replacementPlanId?: string;
}
