import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues order.created for the tenant's webhooks. */
@Controller()
export class OrderCreatedListener extends webhookListener('order.created') {}
