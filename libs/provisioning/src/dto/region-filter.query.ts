import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';
import { CODE } from './create-hypervisor-node.dto.js';

export class RegionFilterQuery {
  @ApiProperty({ required: false, example: 'eu-central-1' })
  @IsOptional()
  @Length(1, 64)
  @Matches(CODE, { message: 'region may hold lower-case letters, digits, "." and "-"' })
  region?: string;
}
