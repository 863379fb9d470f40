import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues invoice.generated for the tenant's webhooks. */
@Controller()
export class InvoiceGeneratedListener extends webhookListener('invoice.generated') {}
