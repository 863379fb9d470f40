import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, count, currency, minorUnits, oneOf, struct, text, timestamp, uuid } from './fields.js';

export const invoiceGenerated = defineEvent({
  type: 'invoice.generated',
  source: 'billing',
  subject: 'invoiceId',
  description: 'Billing issued an invoice for an order; payment is due by dueAt.',
  versions: [
    firstVersion({
      properties: {
        invoiceId: uuid('The invoice.'),
        orderId: uuid('Order being invoiced.'),
        accountId: uuid('Account that owes the invoice.'),
        number: Type.String({ pattern: '^[A-Z0-9-]{3,32}$', description: 'Legal invoice number.' }),
        lines: Type.Array(
          struct(
            {
              description: text('What is charged, as printed on the invoice.'),
              quantity: count('Units charged.'),
              unitPriceMinor: minorUnits('Price of one unit.'),
              amountMinor: minorUnits('quantity × unitPriceMinor.'),
            },
            'One invoice line.',
          ),
          { minItems: 1, description: 'Invoice lines, in print order.' },
        ),
        subtotalMinor: minorUnits('Sum of the line amounts.'),
        taxMinor: minorUnits('Tax on the subtotal.'),
        totalMinor: minorUnits('subtotalMinor + taxMinor; the amount to pay.'),
        currency: currency(),
        dueAt: timestamp('When payment is due.'),
      },
      example: {
        invoiceId: EXAMPLE.invoiceId,
        orderId: EXAMPLE.orderId,
        accountId: EXAMPLE.accountId,
        number: 'INV-2025-000123',
        lines: [
          { description: 'VPS 2 vCPU / 4 GB, monthly', quantity: 1, unitPriceMinor: 1299, amountMinor: 1299 },
          { description: 'Setup fee', quantity: 1, unitPriceMinor: 500, amountMinor: 500 },
        ],
        subtotalMinor: 1799,
        taxMinor: 342,
        totalMinor: 2141,
        currency: 'EUR',
        dueAt: '2025-06-15T00:00:00Z',
      },
    }),
  ],
});

export const invoicePaid = defineEvent({
  type: 'invoice.paid',
  source: 'billing',
  subject: 'invoiceId',
  description: 'Payments on the invoice cover its total.',
  versions: [
    firstVersion({
      properties: {
        invoiceId: uuid('The settled invoice.'),
        orderId: uuid('Order the invoice belongs to.'),
        paymentId: uuid('Payment that settled it.'),
        amountMinor: minorUnits('Amount paid.'),
        currency: currency(),
      },
      example: {
        invoiceId: EXAMPLE.invoiceId,
        orderId: EXAMPLE.orderId,
        paymentId: EXAMPLE.paymentId,
        amountMinor: 2141,
        currency: 'EUR',
      },
    }),
  ],
});

export const invoiceVoided = defineEvent({
  type: 'invoice.voided',
  source: 'billing',
  subject: 'invoiceId',
  description:
    'The invoice was cancelled and is no longer payable (saga compensation or operator action); a payment still captured on it was refunded first.',
  versions: [
    firstVersion({
      properties: {
        invoiceId: uuid('The voided invoice.'),
        orderId: uuid('Order the invoice belongs to.'),
        reason: code('Why it was voided, e.g. order_cancelled.'),
        refunded: Type.Optional(
          Type.Boolean({
            default: false,
            description:
              'Whether voiding gave back a payment still captured on the invoice (refunded first).',
          }),
        ),
      },
      example: {
        invoiceId: EXAMPLE.invoiceId,
        orderId: EXAMPLE.orderId,
        reason: 'order_cancelled',
        refunded: false,
      },
    }),
  ],
});

const paymentFacts = {
  paymentId: uuid('The payment.'),
  invoiceId: uuid('Invoice the payment is for.'),
  orderId: uuid('Order the invoice belongs to.'),
  amountMinor: minorUnits('Amount of the payment.'),
  currency: currency(),
};

const paymentExample = {
  paymentId: EXAMPLE.paymentId,
  invoiceId: EXAMPLE.invoiceId,
  orderId: EXAMPLE.orderId,
  amountMinor: 2141,
  currency: 'EUR',
};

export const paymentReceived = defineEvent({
  type: 'payment.received',
  source: 'billing',
  subject: 'paymentId',
  description: 'Money was captured for an invoice.',
  versions: [
    firstVersion({
      properties: {
        ...paymentFacts,
        method: oneOf(['card', 'bank_transfer', 'paypal', 'account_credit'], 'How it was paid.'),
        providerReference: text('Transaction id at the payment provider, for reconciliation.', 128),
      },
      example: { ...paymentExample, method: 'card', providerReference: 'ch_3PqLx2Example' },
    }),
  ],
});

export const paymentFailed = defineEvent({
  type: 'payment.failed',
  source: 'billing',
  subject: 'paymentId',
  description: 'An attempt to collect an invoice failed.',
  versions: [
    firstVersion({
      properties: {
        ...paymentFacts,
        reason: code('Provider-independent failure code, e.g. card_declined.'),
        retryable: Type.Boolean({ description: 'Whether trying again later may succeed.' }),
      },
      example: { ...paymentExample, reason: 'insufficient_funds', retryable: true },
    }),
  ],
});

export const paymentRefunded = defineEvent({
  type: 'payment.refunded',
  source: 'billing',
  subject: 'paymentId',
  description:
    'A captured payment was (partly) returned to the customer, e.g. when the order saga compensates.',
  versions: [
    firstVersion({
      properties: {
        ...paymentFacts,
        refundId: uuid('The refund.'),
        amountMinor: minorUnits('Amount refunded; at most the amount paid.'),
        reason: code('Why, e.g. provisioning_failed.'),
      },
      example: { ...paymentExample, refundId: EXAMPLE.refundId, reason: 'provisioning_failed' },
    }),
  ],
});

export const BILLING_EVENTS = [
  invoiceGenerated,
  invoicePaid,
  invoiceVoided,
  paymentReceived,
  paymentFailed,
  paymentRefunded,
] as const;
