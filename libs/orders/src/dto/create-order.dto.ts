import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Length, Matches } from 'class-validator';

export const BILLING_CYCLES = ['monthly', 'quarterly', 'yearly'] as const;
const SLUG = /^[a-z0-9][a-z0-9.-]*$/;
// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export class CreateOrderDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  planId!: string;

  @ApiProperty({ example: 'eu-central-1' })
  @Matches(SLUG, { message: 'region must be a region code such as eu-central-1' })
  @Length(1, 64)
  region!: string;

  @ApiProperty({ example: 'ubuntu-24.04' })
  @Matches(SLUG, { message: 'image must be an image code such as ubuntu-24.04' })
  @Length(1, 64)
  image!: string;

  @ApiProperty({ example: 'web-01.example.com' })
  @Matches(HOSTNAME, { message: 'hostname must be a valid host name' })
  hostname!: string;

  @ApiProperty({ enum: BILLING_CYCLES })
  @IsIn(BILLING_CYCLES)
  billingCycle!: (typeof BILLING_CYCLES)[number];

  @ApiProperty({
    required: false,
    example: 'EUR',
    description: 'Needed only when the plan has several currencies',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;
}
