import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues payment.received for the tenant's webhooks. */
@Controller()
export class PaymentReceivedListener extends webhookListener('payment.received') {}
