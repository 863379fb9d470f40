import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { DeliveryPollerService } from './delivery-poller.service.js';
import { DeliveryRunnerService } from './delivery-runner.service.js';
import { DevMailController } from './dev-mail/dev-mail.controller.js';
import { DevMailboxService } from './dev-mail/dev-mailbox.service.js';
import { Notification } from './entities/notification.entity.js';
import { AccountVerificationRequestedListener } from './listeners/account-verification-requested.listener.js';
import { NotificationRequestedListener } from './listeners/notification-requested.listener.js';
import { MailSender } from './mail.sender.js';
import { NotificationRequestService } from './notification-request.service.js';
import { NotificationRepository } from './notification.repository.js';
import { NOTIFICATIONS } from './notifications.domain.js';
import { SignUpMailService } from './sign-up-mail.service.js';
import { WEBHOOK_CONTROLLERS, WEBHOOK_ENTITIES, WEBHOOK_PROVIDERS } from './webhooks/webhooks.parts.js';

@Module({
  imports: [
    MessagingModule.forDomain(NOTIFICATIONS),
    TypeOrmModule.forFeature([Notification, ...WEBHOOK_ENTITIES]),
  ],
  controllers: [
    NotificationRequestedListener,
    AccountVerificationRequestedListener,
    ...WEBHOOK_CONTROLLERS,
    DevMailController,
  ],
  providers: [
    NotificationRepository,
    NotificationRequestService,
    SignUpMailService,
    MailSender,
    DeliveryRunnerService,
    DeliveryPollerService,
    DevMailboxService,
    ...WEBHOOK_PROVIDERS,
  ],
})
export class NotificationsModule {}
