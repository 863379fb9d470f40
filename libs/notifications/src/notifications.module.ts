import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { NOTIFICATIONS } from './notifications.domain.js';

@Module({
  imports: [MessagingModule.forDomain(NOTIFICATIONS)],
})
export class NotificationsModule {}
