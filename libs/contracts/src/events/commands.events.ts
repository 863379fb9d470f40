import { Type } from 'typebox';
import { defineEvent, firstVersion, nextVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, oneOf, text, uuid } from './fields.js';
import { ORDER_CANCEL_REASONS } from './orders.events.js';

// Requests the order saga sends while compensating. Each names what to undo and carries the id the result will
// have, so a redelivered request undoes once. Billing's back office sends the refund and void requests too.

/** Who asked: the operator's user id (the token's subject), or null when the saga asks. */
const requestedBy = () =>
  Type.Union([text('The admin user who asked (the token’s subject).', 200), Type.Null()], {
    description: 'The operator who asked from the back office; null when the order saga asks.',
  });

/** The operator's words, kept with the command in the audit log. */
const note = () =>
  Type.Union([text('Why, in the operator’s words.', 500), Type.Null()], {
    description: 'Why, in the operator’s words; null when the order saga asks.',
  });

const OPERATOR_CHANGES =
  'Adds requestedBy and note, which an operator sets (with reason operator) when asking from the back office; ' +
  'the saga sets both to null. Upcasting sets both to null: v1 requests all came from the saga.';

export const releaseRequested = defineEvent({
  type: 'provisioning.release_requested',
  source: 'saga',
  subject: 'serviceId',
  description:
    'The order saga asks provisioning to destroy a VPS (or what was allocated for it) and free its resources.',
  versions: [
    firstVersion({
      properties: {
        serviceId: uuid('The service to release.'),
        orderId: uuid('Order the service was for.'),
        reason: oneOf(['compensation', 'termination'], 'Why it is released.'),
      },
      example: { serviceId: EXAMPLE.serviceId, orderId: EXAMPLE.orderId, reason: 'compensation' },
    }),
  ],
});

const refundRequestedV1 = firstVersion({
  properties: {
    refundId: uuid('The refund to make; the same id on a redelivery refunds once.'),
    paymentId: uuid('Payment to refund.'),
    invoiceId: uuid('Invoice the payment settled.'),
    orderId: uuid('Order the invoice belongs to.'),
    reason: code('Why, e.g. provisioning_failed.'),
  },
  example: {
    refundId: EXAMPLE.refundId,
    paymentId: EXAMPLE.paymentId,
    invoiceId: EXAMPLE.invoiceId,
    orderId: EXAMPLE.orderId,
    reason: 'provisioning_failed',
  },
});

const refundRequestedV2 = nextVersion(refundRequestedV1, {
  properties: {
    ...refundRequestedV1.properties,
    reason: code('Why: operator when an operator asked from the back office, else the saga’s reason.'),
    requestedBy: requestedBy(),
    note: note(),
  },
  changes: OPERATOR_CHANGES,
  example: {
    ...refundRequestedV1.example,
    reason: 'operator',
    requestedBy: 'ops-admin',
    note: 'The customer was charged twice; refund agreed on the phone.',
  },
  upcast: (v1) => ({ ...v1, requestedBy: null, note: null }),
});

export const refundRequested = defineEvent({
  type: 'payment.refund_requested',
  source: 'saga',
  subject: 'paymentId',
  description:
    'The order saga, or an operator from the back office, asks billing to refund a captured payment in full.',
  versions: [refundRequestedV1, refundRequestedV2],
});

const voidRequestedV1 = firstVersion({
  properties: {
    invoiceId: uuid('Invoice to void.'),
    orderId: uuid('Order the invoice belongs to.'),
    reason: code('Why, e.g. payment_failed.'),
  },
  example: { invoiceId: EXAMPLE.invoiceId, orderId: EXAMPLE.orderId, reason: 'payment_failed' },
});

const voidRequestedV2 = nextVersion(voidRequestedV1, {
  properties: {
    ...voidRequestedV1.properties,
    reason: code('Why: operator when an operator asked from the back office, else the saga’s reason.'),
    requestedBy: requestedBy(),
    note: note(),
  },
  changes: OPERATOR_CHANGES,
  example: {
    ...voidRequestedV1.example,
    reason: 'operator',
    requestedBy: 'ops-admin',
    note: 'Issued twice by mistake; the customer will not pay this one.',
  },
  upcast: (v1) => ({ ...v1, requestedBy: null, note: null }),
});

export const voidRequested = defineEvent({
  type: 'invoice.void_requested',
  source: 'saga',
  subject: 'invoiceId',
  description:
    'The order saga asks billing to void an invoice whose order will not be fulfilled, or an operator asks it ' +
    'from the back office.',
  versions: [voidRequestedV1, voidRequestedV2],
});

export const cancelRequested = defineEvent({
  type: 'order.cancel_requested',
  source: 'saga',
  subject: 'orderId',
  description: 'The order saga asks orders to cancel an order it could not fulfil.',
  versions: [
    firstVersion({
      properties: {
        orderId: uuid('Order to cancel.'),
        reason: oneOf(ORDER_CANCEL_REASONS, 'Why; becomes the reason of order.cancelled.'),
      },
      example: { orderId: EXAMPLE.orderId, reason: 'payment_failed' },
    }),
  ],
});

export const COMMAND_EVENTS = [releaseRequested, refundRequested, voidRequested, cancelRequested] as const;
