import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** The body of an operator's void or refund: why, in the operator's words (kept with the command event). */
export class OperatorRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Issued twice by mistake (ticket 4711).' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}
