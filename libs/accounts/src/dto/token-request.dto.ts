import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class TokenRequestDto {
  @ApiProperty({ description: 'The API key returned at sign-up (pk_<id>_<secret>)' })
  @IsString()
  @MaxLength(200)
  apiKey!: string;
}
