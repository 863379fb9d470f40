import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { NotificationRequestService } from '../notification-request.service.js';
import { NOTIFICATIONS } from '../notifications.domain.js';

@Controller()
export class NotificationRequestedListener {
  constructor(private readonly requests: NotificationRequestService) {}

  @OnEvent('notification.requested', NOTIFICATIONS)
  async handle(
    @Payload() data: EventData<'notification.requested'>,
    @Ctx() ctx: EventContext<'notification.requested'>,
  ): Promise<void> {
    await this.requests.request(ctx, data);
  }
}
