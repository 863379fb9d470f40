import { Injectable, type Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { NOTIFICATIONS } from '../notifications.domain.js';
import { WebhookFanoutService } from './webhook-fanout.service.js';
import type { WebhookEventType } from './webhook-events.js';

export interface WebhookListener<T extends WebhookEventType> {
  handle(data: EventData<T>, ctx: EventContext<T>): Promise<void>;
}

/**
 * The base of a listener that queues one event type for the tenant's webhooks. Every such listener does the same,
 * so each file in listeners/ only names its event: `class OrderCreatedListener extends webhookListener('order.created')`.
 */
export function webhookListener<T extends WebhookEventType>(type: T): Type<WebhookListener<T>> {
  @Injectable()
  class QueueForWebhooks implements WebhookListener<T> {
    constructor(private readonly fanout: WebhookFanoutService) {}

    @OnEvent(type, NOTIFICATIONS, { transaction: 'on-demand' })
    async handle(@Payload() _data: EventData<T>, @Ctx() ctx: EventContext<T>): Promise<void> {
      await this.fanout.enqueue(ctx);
    }
  }
  return QueueForWebhooks;
}
