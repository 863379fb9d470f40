import { BILLING } from './billing.domain.js';
import { BillingModule } from './billing.module.js';

export { BILLING, BillingModule };
export const billingDomain = { domain: BILLING, module: BillingModule };
export { signWebhook } from '@app/platform';
export type {
  AdminInvoiceKind,
  AdminInvoicePage,
  AdminInvoiceStatus,
  AdminInvoiceView,
  AdminPaymentMethod,
  AdminPaymentStatus,
  AdminPaymentView,
  OperatorRefusalCode,
  OperatorRequestAccepted,
} from './admin/billing-admin.view.js';
export { SubscriptionTimersService } from './subscriptions/subscription-timers.service.js';
