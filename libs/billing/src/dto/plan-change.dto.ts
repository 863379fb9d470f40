import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class PlanChangeDto {
  @ApiProperty({
    format: 'uuid',
    description:
      "The plan to move to. It must be offered in the subscription's billing cycle and currency. Dearer: an invoice " +
      'for the rest of the paid period, resized once paid. Cheaper: resized now, the difference credited.',
  })
  @IsUUID()
  planId!: string;
}
