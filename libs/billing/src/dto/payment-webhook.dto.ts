import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const WEBHOOK_TYPES = ['payment.succeeded', 'payment.failed'] as const;

export class PaymentWebhookDataDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  invoiceId!: string;

  @ApiProperty({ minimum: 0, description: 'Must equal the invoice total' })
  @IsInt()
  @Min(0)
  amountMinor!: number;

  @ApiProperty({ example: 'EUR', description: 'Must equal the invoice currency' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;

  @ApiProperty({ example: 'bt_2026_000123', description: 'Transaction id at the provider' })
  @Matches(/^\S+$/, { message: 'reference must not contain spaces' })
  @Length(1, 128)
  reference!: string;

  @ApiProperty({ required: false, example: 'account_closed', description: 'Failure code (payment.failed)' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]*$/, { message: 'reason must be a snake_case code' })
  @MaxLength(64)
  reason?: string;
}

export class PaymentWebhookDto {
  @ApiProperty({ example: 'evt_01J2X3', description: "The provider's event id; each is acted on once" })
  @Matches(/^[\x21-\x7e]+$/, { message: 'id must be visible ASCII' })
  @Length(1, 255)
  id!: string;

  @ApiProperty({ enum: WEBHOOK_TYPES })
  @IsIn(WEBHOOK_TYPES)
  type!: (typeof WEBHOOK_TYPES)[number];

  @ApiProperty({ type: PaymentWebhookDataDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PaymentWebhookDataDto)
  data!: PaymentWebhookDataDto;
}
