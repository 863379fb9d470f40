import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { KeysetPageQuery } from '@app/platform';
import type { AdminAccountsQuery, AdminAccountStatus } from '../admin/accounts-admin.view.js';

const STATUSES: readonly AdminAccountStatus[] = ['active', 'suspended'];

export class ListAccountsAdminQuery extends KeysetPageQuery implements AdminAccountsQuery {
  @ApiProperty({ required: false, enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: AdminAccountStatus;

  @ApiProperty({ required: false, description: 'The exact address (case-insensitive)' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiProperty({ required: false, description: 'Addresses starting with this (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 254)
  emailPrefix?: string;

  @ApiProperty({ required: false, description: 'The account (tenant) id' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}
