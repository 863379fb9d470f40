import type { Provider, Type } from '@nestjs/common';
import { InvoiceGeneratedListener } from '../listeners/invoice-generated.listener.js';
import { InvoicePaidListener } from '../listeners/invoice-paid.listener.js';
import { InvoiceVoidedListener } from '../listeners/invoice-voided.listener.js';
import { OrderCancelledListener } from '../listeners/order-cancelled.listener.js';
import { OrderCompletedListener } from '../listeners/order-completed.listener.js';
import { OrderConfirmedListener } from '../listeners/order-confirmed.listener.js';
import { OrderCreatedListener } from '../listeners/order-created.listener.js';
import { OrderFailedListener } from '../listeners/order-failed.listener.js';
import { PaymentFailedListener } from '../listeners/payment-failed.listener.js';
import { PaymentReceivedListener } from '../listeners/payment-received.listener.js';
import { PaymentRefundedListener } from '../listeners/payment-refunded.listener.js';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';
import { WebhookDeliveryPoller } from './webhook-delivery-poller.service.js';
import { WebhookDeliveryRunner } from './webhook-delivery-runner.service.js';
import { WebhookFanout } from './webhook-fanout.service.js';
import { WebhookRepository } from './webhook.repository.js';
import { WEBHOOK_RESOLVER } from './webhook-resolver.js';
import { WebhookSecrets } from './webhook-secrets.service.js';
import { WebhookSender } from './webhook.sender.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** One listener per entry of WEBHOOK_EVENT_TYPES (webhooks.parts.spec.ts checks that they match). */
export const WEBHOOK_LISTENERS: Type[] = [
  OrderCreatedListener,
  OrderConfirmedListener,
  OrderCompletedListener,
  OrderCancelledListener,
  OrderFailedListener,
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
  WebhookSecrets,
  WebhooksService,
  WebhookFanout,
  WEBHOOK_RESOLVER,
  WebhookSender,
  WebhookDeliveryRunner,
  WebhookDeliveryPoller,
];
