import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EventContext } from '@app/messaging';
import type { WebhookDelivery, WebhookPayload } from './entities/webhook-delivery.entity.js';
import type { WebhookEventType } from './webhook-events.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookRepository } from './webhook.repository.js';

/**
 * Queues an event for the webhooks of its own tenant that subscribed to it: one delivery row per endpoint, in the
 * handler's inbox transaction. The envelope's tenant decides, so no tenant ever receives another's events. An event
 * no endpoint subscribed to ends without a transaction (the listener's transaction is on demand), and without a
 * query once the process knows the tenant's endpoints (WebhookSubscriptionsService).
 */
@Injectable()
export class WebhookFanoutService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly subscriptions: WebhookSubscriptionsService,
  ) {}

  async enqueue(ctx: EventContext<WebhookEventType>): Promise<void> {
    const { envelope } = ctx;
    // Most tenants have no endpoint for most events: deciding that costs no transaction, and mostly no read.
    if (!(await this.subscriptions.anySubscribed(ctx.reader, envelope.tenantid, envelope.type))) {
      return;
    }
    await ctx.begin();
    const endpoints = await this.webhooks.subscribedEndpoints(ctx.manager, envelope.tenantid, envelope.type);
    if (endpoints.length === 0) {
      return;
    }
    const payload: WebhookPayload = {
      id: envelope.id,
      type: envelope.type,
      version: envelope.version,
      occurredAt: envelope.time,
      tenantId: envelope.tenantid,
      correlationId: envelope.correlationid,
      data: envelope.data,
    };
    const now = new Date();
    await this.webhooks.insertDeliveries(
      ctx.manager,
      endpoints.map(({ id }): WebhookDelivery => ({
        id: uuidv7(),
        endpointId: id,
        tenantId: envelope.tenantid,
        eventId: envelope.id,
        eventType: envelope.type,
        payload,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastStatusCode: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        deliveredAt: null,
        failedAt: null,
      })),
    );
  }
}
