import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class VerifySignUpDto {
  @ApiProperty({ description: 'The one-time token from the verification mail’s link' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'token must be the token from the verification link' })
  token!: string;
}
