import { problemsOf } from '@app/platform';

export enum BillingErrorCode {
  InvoiceNotFound = 'invoice-not-found',
  InvoiceNotPayable = 'invoice-not-payable',
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
}

const STATUS: Record<BillingErrorCode, [number, string]> = {
  [BillingErrorCode.InvoiceNotFound]: [404, 'No such invoice'],
  [BillingErrorCode.InvoiceNotPayable]: [409, 'The invoice is not open for payment'],
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
};

export class BillingException extends problemsOf(STATUS) {}
