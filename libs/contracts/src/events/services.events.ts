import { Type } from 'typebox';
import { defineEvent, firstVersion, nextVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, oneOf, text, uuid } from './fields.js';

// A service is the running VPS after provisioning; its lifecycle events come from the provisioning module.

const subject = {
  serviceId: uuid('The service (VPS).'),
  accountId: uuid('Owner of the service.'),
};
const subjectExample = { serviceId: EXAMPLE.serviceId, accountId: EXAMPLE.accountId };

/** Provisioning's answers to billing's commands: billing acted on its own decision when it asked, and waits for none. */
export const SERVICE_ANSWER_LOG_ONLY =
  'Provisioning’s answer to a command of billing, which acted on its own decision when it asked (the subscription ' +
  'is already suspended, resumed, resized or ended) and waits for no answer: it records for the audit log that the ' +
  'machine followed. A command the machine could not follow is dead-lettered, not answered.';

const SUSPEND_REASONS_V1 = ['non_payment', 'abuse', 'account_suspended', 'customer_request'] as const;

const suspendedV1 = firstVersion({
  properties: { ...subject, reason: oneOf(SUSPEND_REASONS_V1, 'Why it was suspended.') },
  example: { ...subjectExample, reason: 'non_payment' },
});

const suspendedV2 = nextVersion(suspendedV1, {
  properties: {
    ...subject,
    reason: oneOf([...SUSPEND_REASONS_V1, 'operator'], 'Why it was suspended.'),
  },
  changes:
    'Adds reason operator: an operator of the back office suspended it. v1 reasons upcast as they are.',
  example: { ...subjectExample, reason: 'operator' },
  upcast: (v1) => v1,
});

export const serviceSuspended = defineEvent({
  type: 'service.suspended',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'The VPS was stopped and locked; its data and addresses are kept.',
  logOnly: SERVICE_ANSWER_LOG_ONLY,
  versions: [suspendedV1, suspendedV2],
});

export const serviceUnsuspended = defineEvent({
  type: 'service.unsuspended',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'A suspended VPS was unlocked and started again.',
  logOnly: SERVICE_ANSWER_LOG_ONLY,
  versions: [firstVersion({ properties: subject, example: subjectExample })],
});

const TERMINATE_REASONS_V1 = ['customer_request', 'non_payment', 'abuse', 'end_of_term'] as const;

const terminatedV1 = firstVersion({
  properties: {
    ...subject,
    orderId: uuid('Order the service was created for.'),
    reason: oneOf(TERMINATE_REASONS_V1, 'Why it was terminated.'),
  },
  example: { ...subjectExample, orderId: EXAMPLE.orderId, reason: 'customer_request' },
});

const terminatedV2 = nextVersion(terminatedV1, {
  properties: {
    ...subject,
    orderId: uuid('Order the service was created for.'),
    reason: oneOf([...TERMINATE_REASONS_V1, 'operator'], 'Why it was terminated.'),
  },
  changes:
    'Adds reason operator: an operator of the back office terminated it. v1 reasons upcast as they are.',
  example: { ...subjectExample, orderId: EXAMPLE.orderId, reason: 'operator' },
  upcast: (v1) => v1,
});

export const serviceTerminated = defineEvent({
  type: 'service.terminated',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'The VPS was permanently deleted. Billing stops invoicing it.',
  logOnly: SERVICE_ANSWER_LOG_ONLY,
  versions: [terminatedV1, terminatedV2],
});

/** What a customer may do to a delivered VPS. */
export const SERVICE_ACTIONS = ['reboot', 'power_off', 'power_on', 'reinstall'] as const;

// A customer's action on a VPS: requested through the API, carried out by provisioning's own consumer (serialized
// with everything else about the service), answered by completed or failed with the same actionId.
const action = {
  actionId: uuid('The action; a redelivered request runs it once, and its answer carries the same id.'),
  ...subject,
  orderId: uuid('Order the service was created for: the action shows in its timeline.'),
  action: oneOf(SERVICE_ACTIONS, 'What is done to the VPS; reinstall rebuilds its disk from the image.'),
  requestedBy: uuid('The user who asked for it.'),
};
/** Continues the story of the shared example ids (example-ids.ts): the customer reinstalls the example's VPS. */
const actionExample = {
  actionId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e11',
  ...subjectExample,
  orderId: EXAMPLE.orderId,
  action: 'reinstall' as const,
  requestedBy: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e12',
};

export const serviceActionRequested = defineEvent({
  type: 'service.action_requested',
  source: 'provisioning',
  subject: 'serviceId',
  description:
    'The customer asked for a reboot, power off, power on or reinstall of an active VPS; answered by service.action_completed or service.action_failed.',
  versions: [firstVersion({ properties: action, example: actionExample })],
});

export const serviceActionCompleted = defineEvent({
  type: 'service.action_completed',
  source: 'provisioning',
  subject: 'serviceId',
  description:
    'The action was carried out. A reinstall issued new one-time root credentials: they sit in the secret store under credentialsSecretId.',
  versions: [
    firstVersion({
      properties: {
        ...action,
        credentialsSecretId: Type.Union(
          [uuid('Reference to the new credentials in the secret store.'), Type.Null()],
          {
            description: 'Reference to the credentials a reinstall issued; null for the other actions.',
          },
        ),
      },
      example: { ...actionExample, credentialsSecretId: EXAMPLE.credentialsSecretId },
    }),
  ],
});

export const serviceActionFailed = defineEvent({
  type: 'service.action_failed',
  source: 'provisioning',
  subject: 'serviceId',
  description:
    'The action was not carried out, e.g. because the VPS was suspended or released after it was requested.',
  versions: [
    firstVersion({
      properties: {
        ...action,
        reason: code('Failure code, e.g. service_suspended.'),
        message: text('Customer-facing detail.', 500),
      },
      example: {
        ...actionExample,
        action: 'power_on',
        reason: 'service_suspended',
        message: 'The service was suspended before the action could run.',
      },
    }),
  ],
});

export const SERVICE_EVENTS = [
  serviceSuspended,
  serviceUnsuspended,
  serviceTerminated,
  serviceActionRequested,
  serviceActionCompleted,
  serviceActionFailed,
] as const;
