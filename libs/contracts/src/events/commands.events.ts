import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, oneOf, uuid } from './fields.js';
import { ORDER_CANCEL_REASONS } from './orders.events.js';

// Requests the order saga sends while compensating. Each names what to undo and carries the id the result will
// have, so a redelivered request undoes once.

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

export const refundRequested = defineEvent({
  type: 'payment.refund_requested',
  source: 'saga',
  subject: 'paymentId',
  description: 'The order saga asks billing to refund a captured payment in full.',
  versions: [
    firstVersion({
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
    }),
  ],
});

export const voidRequested = defineEvent({
  type: 'invoice.void_requested',
  source: 'saga',
  subject: 'invoiceId',
  description: 'The order saga asks billing to void an invoice whose order will not be fulfilled.',
  versions: [
    firstVersion({
      properties: {
        invoiceId: uuid('Invoice to void.'),
        orderId: uuid('Order the invoice belongs to.'),
        reason: code('Why, e.g. payment_failed.'),
      },
      example: { invoiceId: EXAMPLE.invoiceId, orderId: EXAMPLE.orderId, reason: 'payment_failed' },
    }),
  ],
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
