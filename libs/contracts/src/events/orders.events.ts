import { Type } from 'typebox';
import { defineEvent, firstVersion, nextVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { billingCycle, currency, hostname, minorUnits, oneOf, slug, text, uuid } from './fields.js';

/**
 * An order's statuses, the one list: orders' state machine moves between them, events that carry a status enumerate
 * them (so their TypeScript type is this union), audit folds them from the log and reconcile judges them.
 */
export const ORDER_STATUSES = [
  'pending',
  'awaiting_payment',
  'confirmed',
  'provisioning',
  'completed',
  'cancelled',
  'failed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export function orderStatus(description: string) {
  return oneOf(ORDER_STATUSES, description);
}

const orderCreatedV1 = firstVersion({
  properties: {
    orderId: uuid('The order being placed.'),
    accountId: uuid('Customer account placing the order.'),
    planId: uuid('Catalog plan ordered.'),
    region: slug('Region the VPS is to run in, e.g. eu-central-1.'),
    image: slug('Operating system image to install, e.g. ubuntu-24.04.'),
    hostname: hostname('Hostname requested for the VPS.'),
    billingCycle: billingCycle(),
    priceMinor: minorUnits('Recurring price per billing cycle, in minor units.'),
    currency: currency(),
  },
  example: {
    orderId: EXAMPLE.orderId,
    accountId: EXAMPLE.accountId,
    planId: EXAMPLE.planId,
    region: 'eu-central-1',
    image: 'ubuntu-24.04',
    hostname: 'web-01.example.com',
    billingCycle: 'monthly',
    priceMinor: 1299,
    currency: 'EUR',
  },
});

const orderCreatedV2 = nextVersion(orderCreatedV1, {
  properties: {
    ...orderCreatedV1.properties,
    setupFeeMinor: minorUnits('One-time setup fee charged on the first invoice, in minor units.'),
  },
  changes: 'Adds the required setupFeeMinor; v1 orders had no setup fee, so upcasting sets it to 0.',
  example: { ...orderCreatedV1.example, setupFeeMinor: 500 },
  upcast: (v1) => ({ ...v1, setupFeeMinor: 0 }),
});

export const orderCreated = defineEvent({
  type: 'order.created',
  source: 'orders',
  subject: 'orderId',
  description: 'A customer placed an order for a VPS plan. Starts the order saga; nothing is charged yet.',
  versions: [orderCreatedV1, orderCreatedV2],
});

export const orderConfirmed = defineEvent({
  type: 'order.confirmed',
  source: 'orders',
  subject: 'orderId',
  description: 'Payment for the order cleared; the order will be fulfilled.',
  versions: [
    firstVersion({
      properties: {
        orderId: uuid('The confirmed order.'),
        invoiceId: uuid('Invoice that was paid.'),
        paymentId: uuid('Payment that settled the invoice.'),
      },
      example: { orderId: EXAMPLE.orderId, invoiceId: EXAMPLE.invoiceId, paymentId: EXAMPLE.paymentId },
    }),
  ],
});

export const ORDER_CANCEL_REASONS = [
  'customer_request',
  'payment_timeout',
  'payment_failed',
  'operator',
  'provisioning_failed',
] as const;

export const orderCancelled = defineEvent({
  type: 'order.cancelled',
  source: 'orders',
  subject: 'orderId',
  description:
    'The order was cancelled before fulfilment; anything already charged or provisioned is undone.',
  versions: [
    firstVersion({
      properties: {
        orderId: uuid('The cancelled order.'),
        reason: oneOf(ORDER_CANCEL_REASONS, 'Why the order was cancelled.'),
        note: Type.Optional(text('Free-text note from the customer or operator.', 500)),
      },
      example: { orderId: EXAMPLE.orderId, reason: 'customer_request', note: 'Ordered the wrong region.' },
    }),
  ],
});

export const orderCompleted = defineEvent({
  type: 'order.completed',
  source: 'orders',
  subject: 'orderId',
  description: 'The ordered VPS is running and the customer has been sent its access details.',
  versions: [
    firstVersion({
      properties: {
        orderId: uuid('The fulfilled order.'),
        serviceId: uuid('Service (VPS) created for the order.'),
      },
      example: { orderId: EXAMPLE.orderId, serviceId: EXAMPLE.serviceId },
    }),
  ],
});

export const ORDER_EVENTS = [orderCreated, orderConfirmed, orderCancelled, orderCompleted] as const;
