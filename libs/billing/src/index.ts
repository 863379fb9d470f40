import { BILLING } from './billing.domain.js';
import { BillingModule } from './billing.module.js';

export { BILLING, BillingModule };
export const billingDomain = { domain: BILLING, module: BillingModule };
export {
  PAYMENT_GATEWAY,
  TransientGatewayError,
  type ChargeResult,
  type PaymentGateway,
} from './gateway/payment-gateway.js';
export { signWebhook } from '@app/platform';
export { SubscriptionTimers } from './subscriptions/subscription-timers.service.js';
