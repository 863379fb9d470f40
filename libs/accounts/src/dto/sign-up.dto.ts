import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class SignUpDto {
  @ApiProperty({ example: 'Example GmbH' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'ops@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2, for tax' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as DE' })
  country!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency the account is billed in' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;

  @ApiProperty({ enum: ['customer', 'reseller'], required: false, default: 'customer' })
  @IsOptional()
  @IsIn(['customer', 'reseller'])
  kind?: 'customer' | 'reseller';
}
