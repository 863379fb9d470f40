import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { AdminSuspendAccountRequest } from '../admin/accounts-admin.view.js';

export const SUSPENSION_REASONS = ['non_payment', 'abuse', 'fraud', 'customer_request'] as const;

export class SuspendAccountDto implements AdminSuspendAccountRequest {
  @ApiProperty({ enum: SUSPENSION_REASONS })
  @IsIn(SUSPENSION_REASONS)
  reason!: (typeof SUSPENSION_REASONS)[number];

  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
