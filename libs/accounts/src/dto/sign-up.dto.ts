import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/**
 * The name reaches mails, invoices and the admin viewer: a line break there starts a paragraph (or a header) the
 * customer wrote in the operator's voice, and bidi overrides make text read other than it is stored. Refused: C0/C1
 * controls, line and paragraph separators, bidi embeddings/overrides/isolates; and a name of spaces only.
 */
const SINGLE_LINE_NAME = /^(?=.*\S)[^\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+$/u;

export class SignUpDto {
  @ApiProperty({
    example: 'Example GmbH',
    description: 'One line: no line breaks, control or bidi characters',
  })
  @IsString()
  @Length(1, 200)
  @Matches(SINGLE_LINE_NAME, { message: 'name must be one line of text without control characters' })
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
