import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { PROVISIONING } from './provisioning.domain.js';

@Module({
  imports: [MessagingModule.forDomain(PROVISIONING)],
})
export class ProvisioningModule {}
