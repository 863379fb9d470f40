import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator’s void of an invoice to the operators' trail. */
@Controller()
export class InvoiceVoidRequestedListener extends operatorTrailListener('invoice.void_requested') {}
