import { Injectable, Logger } from '@nestjs/common';
import { type EventData, signUpTokenContext } from '@app/contracts';
import type { EventContext } from '@app/messaging';
import { AppConfig, SecretSealer, Span } from '@app/platform';
import type { Notification, TemplateVariables } from './entities/notification.entity.js';
import { NotificationRepository } from './notification.repository.js';

type Request = EventData<'account.verification_requested'>;
type RequestContext = EventContext<'account.verification_requested'>;

const TEMPLATE: Record<Request['purpose'], string> = {
  verify: 'verify-email',
  address_taken: 'sign-up-address-taken',
};

/**
 * The sign-up mails. The one-time token stays sealed in the notification row, as it came in the event, and is
 * opened only to render the message being sent: the database, the event log and the logs never hold it in clear.
 */
@Injectable()
export class SignUpMailService {
  private readonly logger = new Logger(SignUpMailService.name);
  private readonly sealer: SecretSealer;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly config: AppConfig,
  ) {
    this.sealer = new SecretSealer(config.SECRETS_KEY);
  }

  /** Idempotent: the sign-up's id is the notification's, so a redelivered request is recorded (and mailed) once. */
  @Span('notifications.sign_up_mail')
  async request(ctx: RequestContext, data: Request): Promise<void> {
    const now = new Date();
    const variables: TemplateVariables = {
      expiresAt: data.expiresAt,
      ...(data.sealedToken ? { sealedToken: data.sealedToken } : {}),
    };
    const notification: Notification = {
      id: data.signUpId,
      tenantId: ctx.tenantId,
      accountId: data.signUpId,
      template: TEMPLATE[data.purpose],
      channel: 'email',
      recipient: data.email,
      locale: 'en',
      variables,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      failureReason: null,
      providerMessageId: null,
      correlationId: ctx.envelope.correlationid,
      causationId: ctx.envelope.id,
      traceparent: ctx.envelope.traceparent ?? null,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      failedAt: null,
    };
    if (!(await this.notifications.insertIfNew(ctx.manager, notification))) {
      this.logger.debug(`sign-up mail ${data.signUpId} is already recorded`);
    }
  }

  /**
   * The variables a template renders: a sealed sign-up token becomes the storefront's verification link here, at
   * send time. The token is in the fragment, which browsers do not send to the storefront's server or in a Referer.
   */
  reveal(notification: Notification): TemplateVariables {
    const { sealedToken, ...variables } = notification.variables;
    if (typeof sealedToken !== 'string') {
      return notification.variables;
    }
    const token = this.sealer.openText(sealedToken, signUpTokenContext(notification.accountId));
    const storefront = this.config.STOREFRONT_URL.replace(/\/+$/, '');
    return { ...variables, verifyUrl: `${storefront}/verify-email#token=${token}` };
  }
}
