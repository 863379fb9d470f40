import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { DeliveryPoller } from './delivery-poller.service.js';
import { DeliveryRunner } from './delivery-runner.service.js';
import { Notification } from './entities/notification.entity.js';
import { NotificationRequestedListener } from './listeners/notification-requested.listener.js';
import { MailSender } from './mail.sender.js';
import { NotificationRequestService } from './notification-request.service.js';
import { NotificationRepository } from './notification.repository.js';
import { NOTIFICATIONS } from './notifications.domain.js';

@Module({
  imports: [MessagingModule.forDomain(NOTIFICATIONS), TypeOrmModule.forFeature([Notification])],
  controllers: [NotificationRequestedListener],
  providers: [NotificationRepository, NotificationRequestService, MailSender, DeliveryRunner, DeliveryPoller],
})
export class NotificationsModule {}
