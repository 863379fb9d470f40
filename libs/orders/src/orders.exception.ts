import { problemsOf } from '@app/platform';

export enum OrdersErrorCode {
  OrderNotFound = 'order-not-found',
  PlanNotAvailable = 'plan-not-available',
  RegionNotOffered = 'region-not-offered',
  ImageNotOffered = 'image-not-offered',
  BillingCycleNotOffered = 'billing-cycle-not-offered',
  CurrencyRequired = 'currency-required',
  NotCancellable = 'order-not-cancellable',
  IdempotencyKeyReused = 'idempotency-key-reused',
  InvalidIdempotencyKey = 'invalid-idempotency-key',
  AccountSuspended = 'account-suspended',
  InvalidLastEventId = 'invalid-last-event-id',
  TooManyStreams = 'too-many-order-streams',
  InvalidTimeRange = 'invalid-time-range',
}

const STATUS: Record<OrdersErrorCode, [number, string]> = {
  [OrdersErrorCode.OrderNotFound]: [404, 'No such order'],
  [OrdersErrorCode.PlanNotAvailable]: [422, 'The plan cannot be ordered'],
  [OrdersErrorCode.RegionNotOffered]: [422, 'The plan is not offered in this region'],
  [OrdersErrorCode.ImageNotOffered]: [422, 'The plan is not offered with this image'],
  [OrdersErrorCode.BillingCycleNotOffered]: [
    422,
    'The plan has no price for this billing cycle and currency',
  ],
  [OrdersErrorCode.CurrencyRequired]: [422, 'The plan is priced in several currencies: say which one'],
  [OrdersErrorCode.NotCancellable]: [409, 'The order can no longer be cancelled'],
  [OrdersErrorCode.IdempotencyKeyReused]: [409, 'The Idempotency-Key was already used with another request'],
  [OrdersErrorCode.InvalidIdempotencyKey]: [
    400,
    'The Idempotency-Key header must be 1-255 visible characters',
  ],
  [OrdersErrorCode.AccountSuspended]: [403, 'The account is suspended'],
  [OrdersErrorCode.InvalidLastEventId]: [400, 'Last-Event-ID must be the id of an event of this stream'],
  [OrdersErrorCode.TooManyStreams]: [429, 'Too many order streams are open for this account'],
  [OrdersErrorCode.InvalidTimeRange]: [400, 'createdFrom must not be later than createdTo'],
};

export class OrdersException extends problemsOf(STATUS) {}
