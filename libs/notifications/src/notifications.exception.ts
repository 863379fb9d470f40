import { problemsOf } from '@app/platform';

export enum NotificationsErrorCode {
  WebhookNotFound = 'webhook-not-found',
  WebhookUrlNotAllowed = 'webhook-url-not-allowed',
  WebhookEventsInvalid = 'webhook-events-invalid',
  WebhookLimitReached = 'webhook-limit-reached',
  TenantNotAllowed = 'tenant-not-allowed',
  DevMailOff = 'dev-mail-off',
  MailNotFound = 'mail-not-found',
}

const STATUS: Record<NotificationsErrorCode, [number, string]> = {
  [NotificationsErrorCode.WebhookNotFound]: [404, 'No such webhook'],
  [NotificationsErrorCode.WebhookUrlNotAllowed]: [422, 'The webhook URL cannot be used'],
  [NotificationsErrorCode.WebhookEventsInvalid]: [422, 'The webhook event list is not valid'],
  [NotificationsErrorCode.WebhookLimitReached]: [409, 'The account has as many webhooks as it may have'],
  [NotificationsErrorCode.TenantNotAllowed]: [403, 'Only an operator may read another tenant’s webhooks'],
  [NotificationsErrorCode.DevMailOff]: [404, 'No development mail catcher here'],
  [NotificationsErrorCode.MailNotFound]: [404, 'No such caught mail'],
};

export class NotificationsException extends problemsOf(STATUS) {}
