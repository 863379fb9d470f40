import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { SAGA } from './saga.domain.js';

@Module({
  imports: [MessagingModule.forDomain(SAGA)],
})
export class SagaModule {}
