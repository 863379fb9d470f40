import { ApiProperty } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { libvirtUriProblem } from '../libvirt-uri.js';

/** Region and image codes, as the catalog spells them. */
export const CODE = /^[a-z0-9][a-z0-9.-]*$/;
export const NODE_ID = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
/** libvirt storage pool and volume names. */
const VOLUME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A Linux interface name: at most 15 characters. */
const BRIDGE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;
const MAX_IMAGES = 200;

export const LibvirtUri = (): PropertyDecorator =>
  ValidateBy({
    name: 'libvirtUri',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && libvirtUriProblem(value) === undefined,
      defaultMessage: (args) =>
        `${args?.property} ${typeof args?.value === 'string' ? (libvirtUriProblem(args.value) ?? '') : 'must be a string'}`,
    },
  });

/** Image code → base volume name, e.g. {"debian-12": "debian-12-base.qcow2"}. */
export const ImageVolumes = (): PropertyDecorator =>
  ValidateBy({
    name: 'imageVolumes',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= MAX_IMAGES &&
        Object.entries(value).every(
          ([code, volume]) => CODE.test(code) && code.length <= 64 && isVolume(volume),
        ),
      defaultMessage: (args) =>
        `${args?.property} must map at most ${MAX_IMAGES} image codes (lower-case letters, digits, "." and "-") ` +
        'to volume names of the storage pool (letters, digits, ".", "_" and "-")',
    },
  });

const isVolume = (value: unknown): boolean => typeof value === 'string' && VOLUME.test(value);

export class CreateHypervisorNodeDto {
  @ApiProperty({ example: 'fra-kvm-01', description: 'Slug: lower-case letters, digits and "-", at most 64' })
  @Matches(NODE_ID, {
    message: 'id must be lower-case letters, digits and "-" (at most 64, no "-" at either end)',
  })
  id!: string;

  @ApiProperty({ example: 'eu-central-1' })
  @Length(1, 64)
  @Matches(CODE, { message: 'region may hold lower-case letters, digits, "." and "-"' })
  region!: string;

  @ApiProperty({ example: 'qemu+ssh://platforma@kvm01.fra.example.net/system' })
  @LibvirtUri()
  uri!: string;

  @ApiProperty({ example: 32, description: 'Physical vCPUs (threads) guests may use' })
  @IsInt()
  @Min(1)
  @Max(4096)
  vcpus!: number;

  @ApiProperty({ example: 131072, description: 'Memory guests may use (a hard limit)' })
  @IsInt()
  @Min(256)
  @Max(16_777_216)
  memoryMb!: number;

  @ApiProperty({ example: 2000, description: 'Disk guests may use in the storage pool (a hard limit)' })
  @IsInt()
  @Min(1)
  @Max(1_048_576)
  diskGb!: number;

  @ApiProperty({
    required: false,
    example: 2,
    description:
      'vCPUs scheduled per physical one (1-16, two decimals); memory and disk are never overcommitted',
  })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(16)
  cpuOvercommit?: number;

  @ApiProperty({ example: 'platforma' })
  @Matches(VOLUME, { message: 'storagePool must be a libvirt pool name (letters, digits, ".", "_" and "-")' })
  storagePool!: string;

  @ApiProperty({
    required: false,
    nullable: true,
    example: 'br0',
    description: 'Host bridge of the guests; null: user-mode networking (development only)',
  })
  @ValidateIf((dto: CreateHypervisorNodeDto) => dto.bridge !== null && dto.bridge !== undefined)
  @Matches(BRIDGE, { message: 'bridge must be an interface name of at most 15 characters' })
  bridge?: string | null;

  @ApiProperty({ example: { 'debian-12': 'debian-12-base.qcow2' } })
  @ImageVolumes()
  images!: Record<string, string>;

  @ApiProperty({ required: false, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
