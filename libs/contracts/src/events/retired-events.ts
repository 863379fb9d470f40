/**
 * Event types taken out of the catalog. Their released schemas stay under schemas/released/ as the record of what
 * was once promised, and the compatibility check excuses their absence from the catalog (no other's). Retire a type
 * only when no consumer can still meet it (nothing ever published it, or its topics have drained); its name is not
 * reused for a different payload: bringing it back means deleting it here, and then its released schemas hold again.
 */
export const RETIRED_EVENTS: readonly { type: string; reason: string }[] = [
  {
    type: 'order.failed',
    reason:
      'Never published: an order its saga gives up on is cancelled (order.cancelled, reason provisioning_failed or ' +
      'payment_failed), which is what customers, webhooks and the audit log see.',
  },
  {
    type: 'payment.requested',
    reason:
      'Never published: billing keeps no payment method to charge; the customer pays the invoice ' +
      '(POST /v1/invoices/{id}/pay) and the saga waits for payment.received or payment.failed.',
  },
];

export const RETIRED_EVENT_TYPES: ReadonlySet<string> = new Set(
  RETIRED_EVENTS.map((retired) => retired.type),
);
