import { Controller } from '@nestjs/common';
import { webhookListener } from '../webhooks/webhook-listener.js';

/** Queues invoice.voided for the tenant's webhooks. */
@Controller()
export class InvoiceVoidedListener extends webhookListener('invoice.voided') {}
