import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues order.completed for the tenant's webhooks. */
@Controller()
export class OrderCompletedListener extends webhookListener('order.completed') {}
