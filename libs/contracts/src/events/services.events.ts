import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { oneOf, uuid } from './fields.js';

// A service is the running VPS after provisioning; its lifecycle events come from the provisioning module.

const subject = {
  serviceId: uuid('The service (VPS).'),
  accountId: uuid('Owner of the service.'),
};
const subjectExample = { serviceId: EXAMPLE.serviceId, accountId: EXAMPLE.accountId };

export const serviceSuspended = defineEvent({
  type: 'service.suspended',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'The VPS was stopped and locked; its data and addresses are kept.',
  versions: [
    firstVersion({
      properties: {
        ...subject,
        reason: oneOf(
          ['non_payment', 'abuse', 'account_suspended', 'customer_request'],
          'Why it was suspended.',
        ),
      },
      example: { ...subjectExample, reason: 'non_payment' },
    }),
  ],
});

export const serviceUnsuspended = defineEvent({
  type: 'service.unsuspended',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'A suspended VPS was unlocked and started again.',
  versions: [firstVersion({ properties: subject, example: subjectExample })],
});

export const serviceTerminated = defineEvent({
  type: 'service.terminated',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'The VPS was permanently deleted. Billing stops invoicing it.',
  versions: [
    firstVersion({
      properties: {
        ...subject,
        orderId: uuid('Order the service was created for.'),
        reason: oneOf(['customer_request', 'non_payment', 'abuse', 'end_of_term'], 'Why it was terminated.'),
      },
      example: { ...subjectExample, orderId: EXAMPLE.orderId, reason: 'customer_request' },
    }),
  ],
});

export const SERVICE_EVENTS = [serviceSuspended, serviceUnsuspended, serviceTerminated] as const;
