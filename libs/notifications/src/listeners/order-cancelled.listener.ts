import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues order.cancelled for the tenant's webhooks. */
@Controller()
export class OrderCancelledListener extends webhookListener('order.cancelled') {}
