import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues order.confirmed for the tenant's webhooks. */
@Controller()
export class OrderConfirmedListener extends webhookListener('order.confirmed') {}
