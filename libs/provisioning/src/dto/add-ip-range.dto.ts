import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsIP, IsOptional, Length, Matches, Max, Min } from 'class-validator';
import { CODE } from './create-hypervisor-node.dto.js';

/** A range of one family; whether it fits its subnet and no other range is checked by the service (422 / 409). */
export class AddIpRangeDto {
  @ApiProperty({ example: 'eu-central-1' })
  @Length(1, 64)
  @Matches(CODE, { message: 'region may hold lower-case letters, digits, "." and "-"' })
  region!: string;

  @ApiProperty({ example: '198.51.100.10', description: 'First address handed out' })
  @IsIP()
  first!: string;

  @ApiProperty({ example: '198.51.100.250', description: 'Last address handed out (at most 65,536 in all)' })
  @IsIP()
  last!: string;

  @ApiProperty({ example: 24, description: 'On-link prefix length the guests configure' })
  @IsInt()
  @Min(1)
  @Max(128)
  prefix!: number;

  @ApiProperty({ example: '198.51.100.1', description: 'Inside the prefix, outside the range' })
  @IsIP()
  gateway!: string;

  @ApiProperty({ required: false, example: ['1.1.1.1', '2606:4700:4700::1111'], default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsIP(undefined, { each: true })
  dns?: string[];
}
