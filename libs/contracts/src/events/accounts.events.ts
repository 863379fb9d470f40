import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { currency, email, oneOf, text, uuid } from './fields.js';

export const accountCreated = defineEvent({
  type: 'account.created',
  source: 'accounts',
  subject: 'accountId',
  description: 'A customer account was opened under the tenant and may now place orders.',
  versions: [
    firstVersion({
      properties: {
        accountId: uuid('The new customer account.'),
        email: email('Primary contact address; notifications are sent here.'),
        name: text('Customer or company name as entered at sign-up.'),
        country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country, for tax.' }),
        currency: currency('ISO 4217 currency the account is billed in.'),
      },
      example: {
        accountId: EXAMPLE.accountId,
        email: 'ops@example.com',
        name: 'Example GmbH',
        country: 'DE',
        currency: 'EUR',
      },
    }),
  ],
});

export const accountSuspended = defineEvent({
  type: 'account.suspended',
  source: 'accounts',
  subject: 'accountId',
  description: 'The account may no longer order; its running services are suspended in turn.',
  versions: [
    firstVersion({
      properties: {
        accountId: uuid('The suspended account.'),
        reason: oneOf(
          ['non_payment', 'abuse', 'fraud', 'customer_request'],
          'Why the account was suspended.',
        ),
        note: Type.Optional(text('Operator note for the audit trail.', 500)),
      },
      example: {
        accountId: EXAMPLE.accountId,
        reason: 'non_payment',
        note: 'Invoice INV-2025-000042 overdue.',
      },
    }),
  ],
});

export const ACCOUNT_EVENTS = [accountCreated, accountSuspended] as const;
