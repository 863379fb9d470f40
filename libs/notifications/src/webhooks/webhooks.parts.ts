import type { Provider, Type } from '@nestjs/common';
import { InvoiceGeneratedListener } from '../listeners/invoice-generated.listener.js';
import { InvoicePaidListener } from '../listeners/invoice-paid.listener.js';
import { InvoiceVoidedListener } from '../listeners/invoice-voided.listener.js';
import { OrderCancelledListener } from '../listeners/order-cancelled.listener.js';
import { OrderCompletedListener } from '../listeners/order-completed.listener.js';
import { OrderConfirmedListener } from '../listeners/order-confirmed.listener.js';
import { OrderCreatedListener } from '../listeners/order-created.listener.js';
import { PaymentFailedListener } from '../listeners/payment-failed.listener.js';
import { PaymentReceivedListener } from '../listeners/payment-received.listener.js';
import { PaymentRefundedListener } from '../listeners/payment-refunded.listener.js';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';
import { WebhookDeliveryPollerService } from './webhook-delivery-poller.service.js';
import { WebhookDeliveryRunnerService } from './webhook-delivery-runner.service.js';
import { WebhookFanoutService } from './webhook-fanout.service.js';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service.js';
import { WebhookRepository } from './webhook.repository.js';
import { WEBHOOK_RESOLVER } from './webhook-resolver.js';
import { WebhookSecretsService } from './webhook-secrets.service.js';
import { WebhookSender } from './webhook.sender.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** One listener per entry of WEBHOOK_EVENT_TYPES (webhooks.parts.spec.ts checks that they match). */
export const WEBHOOK_LISTENERS: Type[] = [
  OrderCreatedListener,
  OrderConfirmedListener,
  OrderCompletedListener,
  OrderCancelledListener,
  InvoiceGeneratedListener,
  InvoicePaidListener,
  InvoiceVoidedListener,
  PaymentReceivedListener,
  PaymentFailedListener,
  PaymentRefundedListener,
];

/** Customer webhooks, as the notifications module composes them. */
export const WEBHOOK_ENTITIES = [WebhookEndpoint, WebhookDelivery, WebhookDeliveryAttempt];
export const WEBHOOK_CONTROLLERS: Type[] = [WebhooksController, ...WEBHOOK_LISTENERS];
export const WEBHOOK_PROVIDERS: Provider[] = [
  WebhookRepository,
  WebhookSecretsService,
  WebhooksService,
  WebhookFanoutService,
  WebhookSubscriptionsService,
  WEBHOOK_RESOLVER,
  WebhookSender,
  WebhookDeliveryRunnerService,
  WebhookDeliveryPollerService,
];
