import { ApiProperty } from '@nestjs/swagger';
import { Length, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-deploy', description: 'A label to tell keys apart; one line, printable' })
  @Length(1, 100)
  @Matches(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, { message: 'name must be one line of printable characters' })
  name!: string;
}
