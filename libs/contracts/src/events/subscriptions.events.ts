import { Type } from 'typebox';
import { defineEvent, firstVersion, nextVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { count, oneOf, struct, text, uuid } from './fields.js';
import { SERVICE_ANSWER_LOG_ONLY } from './services.events.js';

// Recurring billing: billing keeps a subscription per service and, when a renewal stays unpaid or the plan changes,
// tells provisioning what to do with the machine. Provisioning answers with the service.* facts.
//
// Commands about one service can overtake each other (each type is its own topic), so every command carries the
// subscription's command sequence: provisioning applies a suspend, unsuspend or terminate only if it is newer than
// the last of those it applied, and a resize only if newer than the last resize. Whatever the delivery order, the
// machine ends in the state of the latest command.

const command = {
  serviceId: uuid('The service (VPS).'),
  accountId: uuid('Owner of the service.'),
  subscriptionId: uuid('The billing subscription of the service.'),
  sequence: count(
    "Position of this command among the subscription's commands; provisioning ignores one older than the last it applied.",
  ),
};
/** Continues the story of the shared example ids (example-ids.ts): the subscription of the example's service. */
const EXAMPLE_SUBSCRIPTION_ID = '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e10';

const commandExample = {
  serviceId: EXAMPLE.serviceId,
  accountId: EXAMPLE.accountId,
  subscriptionId: EXAMPLE_SUBSCRIPTION_ID,
};

const resources = struct(
  {
    vcpus: count('Virtual CPU cores.'),
    memoryMb: count('Memory in MiB.', 256),
    diskGb: count('Disk size in GiB.'),
  },
  'Resources of the plan.',
);

/**
 * Who asked, in v2 of the three lifecycle commands: billing's dunning (reason non_payment, unsuspend on payment) or
 * an operator of the back office (reason operator, with the operator's user id and words). Recorded in the event,
 * so the audit log keeps who, when (the envelope's time) and why.
 */
const requester = {
  requestedBy: Type.Union([text('The operator who asked (the admin token’s subject).', 200), Type.Null()], {
    description: 'The operator who asked; null when billing acted on its own (dunning, payment).',
  }),
  note: Type.Union([text('Why, in the operator’s words.', 500), Type.Null()], {
    description: 'Why, in the operator’s words; null when billing acted on its own.',
  }),
};
const byBilling = { requestedBy: null, note: null };
const byOperator = {
  reason: 'operator' as const,
  requestedBy: 'ops-admin',
  note: 'Outbound spam reported by abuse@; locked until the customer answers.',
};
const V2_CHANGES =
  'Adds reason operator (an operator of the back office asked) with requestedBy and note (null when billing acted on its own); upcasting a v1 command gives requestedBy and note null.';

const suspendRequestedV1 = firstVersion({
  properties: {
    ...command,
    reason: oneOf(['non_payment'], 'Why it is to be suspended.'),
  },
  example: { ...commandExample, sequence: 1, reason: 'non_payment' },
});

const suspendRequestedV2 = nextVersion(suspendRequestedV1, {
  properties: {
    ...command,
    reason: oneOf(['non_payment', 'operator'], 'Why it is to be suspended.'),
    ...requester,
  },
  changes: V2_CHANGES,
  example: { ...commandExample, sequence: 1, ...byOperator },
  upcast: (v1) => ({ ...v1, ...byBilling }),
});

export const serviceSuspendRequested = defineEvent({
  type: 'service.suspend_requested',
  source: 'billing',
  subject: 'serviceId',
  description:
    'Billing asks provisioning to stop and lock a VPS whose renewal is unpaid after the grace period, or that an operator suspends; answered by service.suspended.',
  versions: [suspendRequestedV1, suspendRequestedV2],
});

const unsuspendRequestedV1 = firstVersion({
  properties: command,
  example: { ...commandExample, sequence: 2 },
});

const unsuspendRequestedV2 = nextVersion(unsuspendRequestedV1, {
  properties: {
    ...command,
    reason: oneOf(
      ['paid', 'operator'],
      'Why it is to be resumed: the renewal was paid, or an operator lifts their suspension.',
    ),
    ...requester,
  },
  changes:
    'Adds reason (paid, or operator: an operator lifts the suspension they made) with requestedBy and note (null when billing acted on its own); upcasting a v1 command gives reason paid, requestedBy and note null.',
  example: { ...commandExample, sequence: 2, ...byOperator, note: 'The customer removed the spam script.' },
  upcast: (v1) => ({ ...v1, reason: 'paid' as const, ...byBilling }),
});

export const serviceUnsuspendRequested = defineEvent({
  type: 'service.unsuspend_requested',
  source: 'billing',
  subject: 'serviceId',
  description:
    'Billing asks provisioning to unlock and start a VPS it suspended, because the renewal was paid or an operator lifts their suspension; answered by service.unsuspended.',
  versions: [unsuspendRequestedV1, unsuspendRequestedV2],
});

const terminateRequestedV1 = firstVersion({
  properties: {
    ...command,
    orderId: uuid('Order the service was created for.'),
    reason: oneOf(['non_payment'], 'Why it is to be terminated.'),
  },
  example: { ...commandExample, sequence: 3, orderId: EXAMPLE.orderId, reason: 'non_payment' },
});

const terminateRequestedV2 = nextVersion(terminateRequestedV1, {
  properties: {
    ...command,
    orderId: uuid('Order the service was created for.'),
    reason: oneOf(['non_payment', 'operator'], 'Why it is to be terminated.'),
    ...requester,
  },
  changes: V2_CHANGES,
  example: {
    ...commandExample,
    sequence: 3,
    orderId: EXAMPLE.orderId,
    ...byOperator,
    note: 'Repeated abuse after a warning.',
  },
  upcast: (v1) => ({ ...v1, ...byBilling }),
});

export const serviceTerminateRequested = defineEvent({
  type: 'service.terminate_requested',
  source: 'billing',
  subject: 'serviceId',
  description:
    'Billing asks provisioning to delete a VPS for good and release its resources, for non-payment or because an operator terminates it; answered by service.terminated and provisioning.released.',
  versions: [terminateRequestedV1, terminateRequestedV2],
});

export const serviceResizeRequested = defineEvent({
  type: 'service.resize_requested',
  source: 'billing',
  subject: 'serviceId',
  description:
    "Billing asks provisioning to give a VPS the resources of its new plan: at once on a downgrade, after the upgrade's invoice is paid on an upgrade. Answered by service.resized.",
  versions: [
    firstVersion({
      properties: {
        ...command,
        planId: uuid('The new plan.'),
        resources,
      },
      example: {
        ...commandExample,
        sequence: 4,
        planId: EXAMPLE.replacementPlanId,
        resources: { vcpus: 4, memoryMb: 8192, diskGb: 160 },
      },
    }),
  ],
});

export const serviceResized = defineEvent({
  type: 'service.resized',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'The VPS now has the resources of its new plan.',
  logOnly: SERVICE_ANSWER_LOG_ONLY,
  versions: [
    firstVersion({
      properties: {
        serviceId: uuid('The service (VPS).'),
        accountId: uuid('Owner of the service.'),
        planId: uuid('The plan it now runs on.'),
        resources,
      },
      example: {
        serviceId: EXAMPLE.serviceId,
        accountId: EXAMPLE.accountId,
        planId: EXAMPLE.replacementPlanId,
        resources: { vcpus: 4, memoryMb: 8192, diskGb: 160 },
      },
    }),
  ],
});

export const SUBSCRIPTION_EVENTS = [
  serviceSuspendRequested,
  serviceUnsuspendRequested,
  serviceTerminateRequested,
  serviceResizeRequested,
  serviceResized,
] as const;
