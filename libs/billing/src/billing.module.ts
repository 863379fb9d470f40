import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { BILLING } from './billing.domain.js';

@Module({
  imports: [MessagingModule.forDomain(BILLING)],
})
export class BillingModule {}
