import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { AdminUnsuspendAccountRequest } from '../admin/accounts-admin.view.js';

export class UnsuspendAccountDto implements AdminUnsuspendAccountRequest {
  @ApiProperty({
    description: 'Why, in the operator’s words: it goes into account.unsuspended for the audit trail.',
  })
  @IsString()
  @MaxLength(500)
  @Matches(/\S/, { message: 'note must say why the suspension is lifted' })
  note!: string;
}
