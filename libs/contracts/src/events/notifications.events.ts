import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, oneOf, slug, text, uuid } from './fields.js';

const CHANNELS = ['email', 'sms'] as const;

const DELIVERY_LOG_ONLY =
  'The delivery’s outcome, for the audit log and operators: requesters (the saga, billing, sign-up) do not wait ' +
  'for it, and notifications retries a failed delivery itself before it gives up.';

export const notificationRequested = defineEvent({
  type: 'notification.requested',
  source: 'saga',
  subject: 'notificationId',
  description:
    'Asks the notifications module to send a templated message. Variables are never secret: VPS credentials reach ' +
    'the customer through a one-time retrieval link (credentialsUrl), never in a message or an event.',
  versions: [
    firstVersion({
      properties: {
        notificationId: uuid('The notification; allocated by the requester so a redelivery sends once.'),
        accountId: uuid('Account the message is about.'),
        template: slug('Template to render, e.g. vps-ready.'),
        channel: oneOf(CHANNELS, 'Delivery channel.'),
        recipient: text('Email address or E.164 phone number, depending on channel.', 254),
        locale: Type.Optional(
          Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', default: 'en', description: 'BCP 47 language.' }),
        ),
        variables: Type.Record(
          Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' }),
          Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]),
          { additionalProperties: false, description: 'Template variables (no secrets).' },
        ),
        credentialsSecretId: Type.Optional(uuid('Secret whose contents the template may include.')),
      },
      example: {
        notificationId: EXAMPLE.notificationId,
        accountId: EXAMPLE.accountId,
        template: 'vps-ready',
        channel: 'email',
        recipient: 'ops@example.com',
        locale: 'de',
        variables: { hostname: 'web-01.example.com', ipv4: '203.0.113.10', username: 'root' },
        credentialsSecretId: EXAMPLE.credentialsSecretId,
      },
    }),
  ],
});

export const notificationSent = defineEvent({
  type: 'notification.sent',
  source: 'notifications',
  subject: 'notificationId',
  description: 'The message was handed to the delivery provider.',
  logOnly: DELIVERY_LOG_ONLY,
  versions: [
    firstVersion({
      properties: {
        notificationId: uuid('The notification.'),
        channel: oneOf(CHANNELS, 'Channel used.'),
        providerMessageId: text('Message id at the email/SMS provider.', 200),
      },
      example: {
        notificationId: EXAMPLE.notificationId,
        channel: 'email',
        providerMessageId: 'msg_01HZX3Example',
      },
    }),
  ],
});

export const notificationFailed = defineEvent({
  type: 'notification.failed',
  source: 'notifications',
  subject: 'notificationId',
  description: 'The message could not be delivered.',
  logOnly: DELIVERY_LOG_ONLY,
  versions: [
    firstVersion({
      properties: {
        notificationId: uuid('The notification.'),
        channel: oneOf(CHANNELS, 'Channel tried.'),
        reason: code('Failure code, e.g. recipient_rejected.'),
        retryable: Type.Boolean({ description: 'Whether sending again may succeed.' }),
      },
      example: {
        notificationId: EXAMPLE.notificationId,
        channel: 'email',
        reason: 'recipient_rejected',
        retryable: false,
      },
    }),
  ],
});

export const NOTIFICATION_EVENTS = [notificationRequested, notificationSent, notificationFailed] as const;
