import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues invoice.paid for the tenant's webhooks. */
@Controller()
export class InvoicePaidListener extends webhookListener('invoice.paid') {}
