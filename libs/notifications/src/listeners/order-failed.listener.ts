import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues order.failed for the tenant's webhooks. */
@Controller()
export class OrderFailedListener extends webhookListener('order.failed') {}
