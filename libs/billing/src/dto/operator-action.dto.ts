import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** An operator's suspend, unsuspend or terminate of a service: why, in their words. */
export class OperatorActionDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 500,
    description: 'Why, in the operator’s words: it travels in the command (note) and so into the audit log.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}
