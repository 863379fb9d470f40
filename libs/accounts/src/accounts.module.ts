import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { ACCOUNTS } from './accounts.domain.js';

@Module({
  imports: [MessagingModule.forDomain(ACCOUNTS)],
})
export class AccountsModule {}
