import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ImageVolumes } from './create-hypervisor-node.dto.js';

/** Capacity, availability and images; the connection and storage of a node holding machines do not change. */
export class UpdateHypervisorNodeDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4096)
  vcpus?: number;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsInt()
  @Min(256)
  @Max(16_777_216)
  memoryMb?: number;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_048_576)
  diskGb?: number;

  @ApiProperty({ required: false })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(16)
  cpuOvercommit?: number;

  @ApiProperty({ required: false, description: 'false: the node keeps its machines but gets no new ones' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ required: false, description: 'Replaces the whole map of image code → base volume' })
  @IsOptional()
  @ImageVolumes()
  images?: Record<string, string>;
}
