import { problemsOf } from '@app/platform';

export enum BillingErrorCode {
  InvoiceNotFound = 'invoice-not-found',
  InvoiceNotPayable = 'invoice-not-payable',
  // The back office's void and refund (admin/operator-command.state.ts).
  PaymentNotFound = 'payment-not-found',
  InvoiceAlreadyVoided = 'invoice-already-voided',
  InvoicePaid = 'invoice-paid',
  VoidAlreadyRequested = 'void-already-requested',
  PaymentAlreadyRefunded = 'payment-already-refunded',
  PaymentNotRefundable = 'payment-not-refundable',
  RefundAlreadyRequested = 'refund-already-requested',
  PaymentDeclined = 'payment-declined',
  PaymentProviderUnavailable = 'payment-provider-unavailable',
  InvalidSignature = 'invalid-signature',
  SignatureExpired = 'signature-expired',
  WebhookReplayed = 'webhook-replayed',
  WebhookAmountMismatch = 'webhook-amount-mismatch',
  SubscriptionNotFound = 'subscription-not-found',
  SubscriptionNotActive = 'subscription-not-active',
  PlanUnchanged = 'plan-unchanged',
  PlanNotOffered = 'plan-not-offered',
  PlanChangePending = 'plan-change-pending',
  RenewalUnpaid = 'renewal-unpaid',
  // The back office's actions on a service (subscriptions/operator-action.state.ts).
  SubscriptionNotDelivered = 'subscription-not-delivered',
  ServiceAlreadySuspended = 'service-already-suspended',
  ServiceNotSuspended = 'service-not-suspended',
  SuspendedForNonPayment = 'suspended-for-non-payment',
  RenewalOverdue = 'renewal-overdue',
  SubscriptionTerminated = 'subscription-terminated',
  PaymentInProgress = 'payment-in-progress',
}

const STATUS: Record<BillingErrorCode, [number, string]> = {
  [BillingErrorCode.InvoiceNotFound]: [404, 'No such invoice'],
  [BillingErrorCode.InvoiceNotPayable]: [409, 'The invoice is not open for payment'],
  [BillingErrorCode.PaymentNotFound]: [404, 'No such payment'],
  [BillingErrorCode.InvoiceAlreadyVoided]: [409, 'The invoice is voided already'],
  [BillingErrorCode.InvoicePaid]: [409, 'The invoice is paid: refund the payment instead'],
  [BillingErrorCode.VoidAlreadyRequested]: [409, 'A void of this invoice was requested already'],
  [BillingErrorCode.PaymentAlreadyRefunded]: [409, 'The payment was refunded already'],
  [BillingErrorCode.PaymentNotRefundable]: [409, 'The payment captured nothing the provider can give back'],
  [BillingErrorCode.RefundAlreadyRequested]: [409, 'A refund of this payment was requested already'],
  [BillingErrorCode.PaymentDeclined]: [402, 'The payment was declined'],
  [BillingErrorCode.PaymentProviderUnavailable]: [
    503,
    'The payment provider is unavailable; try again later',
  ],
  [BillingErrorCode.InvalidSignature]: [401, 'The webhook signature is missing or not valid'],
  [BillingErrorCode.SignatureExpired]: [401, 'The webhook signature is too old or too far in the future'],
  [BillingErrorCode.WebhookReplayed]: [409, 'This webhook event was already processed'],
  [BillingErrorCode.WebhookAmountMismatch]: [
    422,
    'The webhook amount or currency does not match the invoice',
  ],
  [BillingErrorCode.SubscriptionNotFound]: [404, 'No subscription for this service'],
  [BillingErrorCode.SubscriptionNotActive]: [409, 'Only an active subscription can change its plan'],
  [BillingErrorCode.PlanUnchanged]: [409, 'The service is already on this plan'],
  [BillingErrorCode.PlanNotOffered]: [
    422,
    "The plan is not offered in the subscription's billing cycle and currency",
  ],
  [BillingErrorCode.PlanChangePending]: [
    409,
    'A plan change is waiting for its invoice to be paid; pay it or let it lapse first',
  ],
  [BillingErrorCode.RenewalUnpaid]: [409, 'The renewal invoice is open; pay it before changing the plan'],
  [BillingErrorCode.SubscriptionNotDelivered]: [409, 'The service of this subscription is not delivered yet'],
  [BillingErrorCode.ServiceAlreadySuspended]: [409, 'The service is suspended already'],
  [BillingErrorCode.ServiceNotSuspended]: [409, 'The service is not suspended'],
  [BillingErrorCode.SuspendedForNonPayment]: [
    409,
    'The service is suspended for non-payment: paying the renewal lifts the suspension',
  ],
  [BillingErrorCode.RenewalOverdue]: [
    409,
    'A renewal is unpaid past its suspension date; it must be paid before the service runs again',
  ],
  [BillingErrorCode.SubscriptionTerminated]: [409, 'The service was terminated'],
  [BillingErrorCode.PaymentInProgress]: [
    409,
    "A payment of one of the service's invoices is being taken; try again in a moment",
  ],
};

export class BillingException extends problemsOf(STATUS) {}
