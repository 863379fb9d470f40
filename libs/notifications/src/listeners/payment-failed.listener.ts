import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues payment.failed for the tenant's webhooks. */
@Controller()
export class PaymentFailedListener extends webhookListener('payment.failed') {}
