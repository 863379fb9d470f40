import { Injectable, Logger } from '@nestjs/common';
import { OutboxService, type Tx } from '@app/messaging';
import type { DueRun } from '@app/platform';
import { type Backoff, exponentialBackoffMs } from './backoff.js';
import type { Notification } from './entities/notification.entity.js';
import { MailSender, sendFailureOf } from './mail.sender.js';
import { NotificationRepository } from './notification.repository.js';
import { TemplateError, renderTemplate } from './notification.templates.js';
import { SignUpMailService } from './sign-up-mail.service.js';

export const MAX_ATTEMPTS = 5;
/** 1 s, 2 s, 4 s, … capped at a minute. */
const BACKOFF: Backoff = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Sends due notifications one per transaction: claim a due row, hand the message to the SMTP relay, and record
 * the outcome with its event (notification.sent or, after the last attempt, notification.failed) in the same
 * commit. A process that dies between the relay's acceptance and the commit sends the message again later: delivery
 * is at least once.
 */
@Injectable()
export class DeliveryRunnerService {
  private readonly logger = new Logger(DeliveryRunnerService.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly outbox: OutboxService,
    private readonly mail: MailSender,
    private readonly signUpMails: SignUpMailService,
  ) {}

  /** Delivers the most overdue notification; false when none is due, 'drained' when it saw no other due. */
  runDue(): Promise<DueRun> {
    return this.notifications.inTransaction(async (manager) => {
      const claimed = await this.notifications.claimDue(manager);
      if (!claimed) {
        return false;
      }
      const { notification, more } = claimed;
      const tx = this.outbox.unitOfWork(manager, {
        tenantId: notification.tenantId,
        correlationId: notification.correlationId,
        causationId: notification.causationId ?? undefined,
        traceparent: notification.traceparent ?? undefined,
      });
      await this.deliver(tx, notification);
      // A failed attempt is due again a second later at the soonest: only other rows keep the drain going.
      return more || 'drained';
    });
  }

  private async deliver(tx: Tx, notification: Notification): Promise<void> {
    let variables;
    try {
      variables = this.signUpMails.reveal(notification);
    } catch {
      // Sealed under another SECRETS_KEY (or altered): no later attempt opens it either.
      return this.fail(tx, notification, 'unreadable_secret', 'the sealed token does not open', false);
    }
    let message;
    try {
      message = renderTemplate(notification.template, variables, notification.locale);
    } catch (error) {
      // Checked when the request arrived; only a template removed since then lands here.
      if (error instanceof TemplateError) {
        return this.fail(tx, notification, error.reason, error.message, false);
      }
      throw error;
    }
    notification.attempts += 1;
    let providerMessageId: string;
    try {
      providerMessageId = await this.mail.send(notification.recipient, message);
    } catch (error) {
      return this.retryOrFail(tx, notification, error);
    }
    const now = new Date();
    Object.assign(notification, {
      status: 'sent',
      providerMessageId: providerMessageId.slice(0, 200),
      lastError: null,
      sentAt: now,
    } satisfies Partial<Notification>);
    await this.notifications.save(tx.manager, notification);
    await tx.publish(
      'notification.sent',
      {
        notificationId: notification.id,
        channel: notification.channel,
        providerMessageId: notification.providerMessageId ?? providerMessageId,
      },
      { subject: notification.id },
    );
  }

  private async retryOrFail(tx: Tx, notification: Notification, error: unknown): Promise<void> {
    const failure = sendFailureOf(error);
    const lastError = failure.message.slice(0, 1_000);
    if (notification.attempts >= MAX_ATTEMPTS) {
      const rejected = failure.responseCode !== undefined && failure.responseCode >= 500;
      const reason = rejected && failure.command === 'RCPT TO' ? 'recipient_rejected' : 'delivery_failed';
      return this.fail(tx, notification, reason, lastError, !rejected);
    }
    const delayMs = exponentialBackoffMs(notification.attempts, BACKOFF);
    notification.lastError = lastError;
    this.logger.warn(
      `notification ${notification.id}: attempt ${notification.attempts} failed, again in ${delayMs} ms: ${lastError}`,
    );
    await this.notifications.save(tx.manager, notification, delayMs);
  }

  private async fail(
    tx: Tx,
    notification: Notification,
    reason: string,
    message: string,
    retryable: boolean,
  ): Promise<void> {
    this.logger.warn(
      `notification ${notification.id} failed after ${notification.attempts} attempts: ${message}`,
    );
    Object.assign(notification, {
      status: 'failed',
      failureReason: reason,
      lastError: message,
      failedAt: new Date(),
    } satisfies Partial<Notification>);
    await this.notifications.save(tx.manager, notification);
    await tx.publish(
      'notification.failed',
      { notificationId: notification.id, channel: notification.channel, reason, retryable },
      { subject: notification.id },
    );
  }
}
