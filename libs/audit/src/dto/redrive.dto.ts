import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class RedriveDto {
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'billing fixed in 2.4.1; reprocess' })
  @IsString()
  @Length(3, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}
