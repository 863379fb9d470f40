import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator’s refund of a payment to the operators' trail. */
@Controller()
export class PaymentRefundRequestedListener extends operatorTrailListener('payment.refund_requested') {}
