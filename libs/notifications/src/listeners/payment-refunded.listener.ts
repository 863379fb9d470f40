import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues payment.refunded for the tenant's webhooks. */
@Controller()
export class PaymentRefundedListener extends webhookListener('payment.refunded') {}
