import { Type } from 'typebox';
import { defineEvent, firstVersion, nextVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { currency, email, oneOf, text, timestamp, uuid } from './fields.js';

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

const accountSuspendedV1 = firstVersion({
  properties: {
    accountId: uuid('The suspended account.'),
    reason: oneOf(['non_payment', 'abuse', 'fraud', 'customer_request'], 'Why the account was suspended.'),
    note: Type.Optional(text('Operator note for the audit trail.', 500)),
  },
  example: {
    accountId: EXAMPLE.accountId,
    reason: 'non_payment',
    note: 'Invoice INV-2025-000042 overdue.',
  },
});

const accountSuspendedV2 = nextVersion(accountSuspendedV1, {
  properties: {
    ...accountSuspendedV1.properties,
    suspendedBy: Type.Union(
      [
        uuid('The operator user who suspended it, for the audit trail.'),
        Type.Null({ description: 'Only on a v1 event upcast: v1 did not say who suspended the account.' }),
      ],
      { description: 'The operator user who suspended it; null only on a v1 event upcast.' },
    ),
  },
  changes:
    'suspendedBy names the operator user who suspended the account (the audit trail records who and why). ' +
    'v1 did not carry it: upcasting sets it to null.',
  example: {
    accountId: EXAMPLE.accountId,
    reason: 'non_payment',
    note: 'Invoice INV-2025-000042 overdue.',
    suspendedBy: '00000000-0000-7000-8000-000000000002',
  },
  upcast: (v1) => ({ ...v1, suspendedBy: null }),
});

export const accountSuspended = defineEvent({
  type: 'account.suspended',
  source: 'accounts',
  subject: 'accountId',
  description: 'The account may no longer order; its running services are suspended in turn.',
  versions: [accountSuspendedV1, accountSuspendedV2],
});

export const accountUnsuspended = defineEvent({
  type: 'account.unsuspended',
  source: 'accounts',
  subject: 'accountId',
  description:
    'An operator lifted the suspension: the account may sign in and order again. Tokens issued before the ' +
    'suspension stay revoked.',
  versions: [
    firstVersion({
      properties: {
        accountId: uuid('The account whose suspension was lifted.'),
        unsuspendedBy: uuid('The operator user who lifted it, for the audit trail.'),
        note: Type.Optional(text('Operator note for the audit trail.', 500)),
      },
      example: {
        accountId: EXAMPLE.accountId,
        unsuspendedBy: '00000000-0000-7000-8000-000000000002',
        note: 'Overdue invoice paid by bank transfer.',
      },
    }),
  ],
});

/** The associated data account.verification_requested's sealedToken is bound to: it opens for that sign-up only. */
export function signUpTokenContext(signUpId: string): string {
  return `account.verification_requested:${signUpId}`;
}

export const accountVerificationRequested = defineEvent({
  type: 'account.verification_requested',
  source: 'accounts',
  subject: 'signUpId',
  description:
    'Someone asked to open an account with this address. Notifications mails it a one-time link (purpose ' +
    '`verify`), or, when the address already belongs to an account, a notice to its owner (`address_taken`); the ' +
    'caller gets the same answer either way. No account exists until the link is used, and nothing the caller ' +
    'typed is in either mail. The token travels sealed: only the notifications module opens it to render the link.',
  versions: [
    firstVersion({
      properties: {
        signUpId: uuid('The pending sign-up; a verified one becomes the account with this id.'),
        email: email('The address to verify. Nothing but this mail goes to it before it is verified.'),
        purpose: oneOf(['verify', 'address_taken'], 'Which mail to send.'),
        sealedToken: Type.Optional(
          Type.String({
            pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
            maxLength: 500,
            description:
              'For `verify`: the one-time token sealed with SECRETS_KEY (AES-256-GCM, iv.tag.ciphertext in ' +
              'base64url, bound to signUpId).',
          }),
        ),
        expiresAt: timestamp('When the link stops working.'),
      },
      example: {
        signUpId: EXAMPLE.accountId,
        email: 'ops@example.com',
        purpose: 'verify',
        sealedToken: 'q1Zl0sQbN3d1bWJ2.8cGq6fK0bS3oX2mY0lJ7aQ.Zm9vYmFyYmF6',
        expiresAt: '2026-05-02T10:00:00Z',
      },
    }),
  ],
});

export const ACCOUNT_EVENTS = [
  accountCreated,
  accountSuspended,
  accountUnsuspended,
  accountVerificationRequested,
] as const;
