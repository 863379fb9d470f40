import { Injectable, Logger } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import type { EventContext } from '@app/messaging';
import { Span } from '@app/platform';
import type { Notification } from './entities/notification.entity.js';
import { NotificationRepository } from './notification.repository.js';
import { TemplateError, renderTemplate } from './notification.templates.js';

type Request = EventData<'notification.requested'>;
type RequestContext = EventContext<'notification.requested'>;

/**
 * Records a requested notification for the delivery poller. Idempotent by notificationId: a redelivered request
 * inserts nothing and publishes nothing. A request that can never be sent (a channel we have no provider for, an
 * unknown template, missing variables) fails at once, without a retry.
 */
@Injectable()
export class NotificationRequestService {
  private readonly logger = new Logger(NotificationRequestService.name);

  constructor(private readonly notifications: NotificationRepository) {}

  @Span('notifications.request')
  async request(ctx: RequestContext, data: Request): Promise<void> {
    const refusal = this.refusalOf(data);
    const now = new Date();
    const notification: Notification = {
      id: data.notificationId,
      tenantId: ctx.tenantId,
      accountId: data.accountId,
      template: data.template,
      channel: data.channel,
      recipient: data.recipient,
      locale: data.locale ?? 'en',
      variables: data.variables,
      status: refusal ? 'failed' : 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: refusal?.message ?? null,
      failureReason: refusal?.reason ?? null,
      providerMessageId: null,
      correlationId: ctx.envelope.correlationid,
      causationId: ctx.envelope.id,
      traceparent: ctx.envelope.traceparent ?? null,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      failedAt: refusal ? now : null,
    };
    if (!(await this.notifications.insertIfNew(ctx.manager, notification))) {
      this.logger.debug(`notification ${data.notificationId} is already recorded`);
      return;
    }
    if (refusal) {
      this.logger.warn(`notification ${data.notificationId} failed at once: ${refusal.message}`);
      await ctx.publish(
        'notification.failed',
        {
          notificationId: data.notificationId,
          channel: data.channel,
          reason: refusal.reason,
          retryable: false,
        },
        { subject: data.notificationId },
      );
    }
  }

  private refusalOf(data: Request): { reason: string; message: string } | undefined {
    if (data.channel !== 'email') {
      return { reason: 'channel_not_supported', message: `no provider for channel ${data.channel}` };
    }
    try {
      renderTemplate(data.template, data.variables, data.locale);
      return undefined;
    } catch (error) {
      if (error instanceof TemplateError) {
        return { reason: error.reason, message: error.message };
      }
      throw error;
    }
  }
}
