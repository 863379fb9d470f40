import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { AUDIT } from './audit.domain.js';

@Module({
  imports: [MessagingModule.forDomain(AUDIT)],
})
export class AuditModule {}
