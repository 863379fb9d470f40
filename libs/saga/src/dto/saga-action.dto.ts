import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { SAGA_OPERATOR_ACTIONS, type SagaOperatorAction } from '@app/contracts';

export class SagaActionDto {
  @ApiProperty({ enum: SAGA_OPERATOR_ACTIONS })
  @IsIn(SAGA_OPERATOR_ACTIONS)
  action!: SagaOperatorAction;

  @ApiProperty({ description: 'Why, in the operator’s words: it goes into the history and the event.' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}
