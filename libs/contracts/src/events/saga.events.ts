import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, count, oneOf, slug, text, uuid } from './fields.js';

/**
 * A saga instance's statuses, the one list: no event carries one (each saga.* event is the news of a move), but
 * the saga stores them and reconcile compares them with the order's.
 */
export const SAGA_STATUSES = ['running', 'compensating', 'completed', 'failed'] as const;
export type SagaStatus = (typeof SAGA_STATUSES)[number];

// Every saga event names the definition and its version, so a saga started under an old definition can be
// finished (or compensated) by it even after a deployment changed the steps.
const instance = {
  sagaId: uuid('The saga instance.'),
  orderId: uuid('Order the saga drives.'),
  definition: slug('Saga definition name, e.g. vps-order.'),
  definitionVersion: count('Version of the saga definition the instance runs.'),
};
const PROGRESS_LOG_ONLY =
  'The orchestrator’s progress, for the audit log’s order timeline: the modules it drives act on its commands ' +
  '(and the order on saga.completed), not on this news.';

const instanceExample = {
  sagaId: EXAMPLE.sagaId,
  orderId: EXAMPLE.orderId,
  definition: 'vps-order',
  definitionVersion: 1,
};

export const sagaStarted = defineEvent({
  type: 'saga.started',
  source: 'saga',
  subject: 'sagaId',
  description: 'The orchestrator started driving an order.',
  logOnly: PROGRESS_LOG_ONLY,
  versions: [
    firstVersion({
      properties: { ...instance, step: code('First step to run.') },
      example: { ...instanceExample, step: 'invoice' },
    }),
  ],
});

export const sagaStepCompleted = defineEvent({
  type: 'saga.step_completed',
  source: 'saga',
  subject: 'sagaId',
  description: 'One saga step finished successfully.',
  logOnly: PROGRESS_LOG_ONLY,
  versions: [
    firstVersion({
      properties: {
        ...instance,
        step: code('Step that finished.'),
        nextStep: Type.Union([code('Step that runs next.'), Type.Null()], {
          description: 'Step that runs next, or null if this was the last one.',
        }),
      },
      example: { ...instanceExample, step: 'payment', nextStep: 'provision' },
    }),
  ],
});

export const sagaCompensating = defineEvent({
  type: 'saga.compensating',
  source: 'saga',
  subject: 'sagaId',
  description: 'A step failed; the orchestrator is undoing the completed steps in reverse order.',
  logOnly: PROGRESS_LOG_ONLY,
  versions: [
    firstVersion({
      properties: {
        ...instance,
        step: code('Step that failed.'),
        reason: code('Failure code reported by the step.'),
        compensations: Type.Array(code('Step to undo.'), {
          description: 'Completed steps to undo, in the order they will be undone.',
        }),
      },
      example: {
        ...instanceExample,
        step: 'provision',
        reason: 'no_capacity',
        compensations: ['payment', 'invoice'],
      },
    }),
  ],
});

export const sagaCompleted = defineEvent({
  type: 'saga.completed',
  source: 'saga',
  subject: 'sagaId',
  description: 'Every step succeeded; the order is fulfilled (the order completes on this event).',
  versions: [
    firstVersion({
      properties: {
        ...instance,
        serviceId: Type.Optional(
          Type.Union([uuid('The service.'), Type.Null()], {
            default: null,
            description:
              'The service that fulfils the order (null from instances started before it was sent).',
          }),
        ),
      },
      example: { ...instanceExample, serviceId: EXAMPLE.serviceId },
    }),
  ],
});

export const sagaFailed = defineEvent({
  type: 'saga.failed',
  source: 'saga',
  subject: 'sagaId',
  description: 'The saga gave up. If compensated is false, an operator must finish the clean-up by hand.',
  logOnly: PROGRESS_LOG_ONLY,
  versions: [
    firstVersion({
      properties: {
        ...instance,
        step: code('Step that failed.'),
        reason: code('Failure code.'),
        message: text('Operator-facing detail.', 500),
        compensated: Type.Boolean({ description: 'Whether every completed step was undone.' }),
      },
      example: {
        ...instanceExample,
        step: 'provision',
        reason: 'no_capacity',
        message: 'Provisioning failed; payment refunded and invoice voided.',
        compensated: true,
      },
    }),
  ],
});

/** What an operator may do to a saga from the console (libs/saga/README.md says when each is allowed). */
export const SAGA_OPERATOR_ACTIONS = ['retry_step', 'fire_timer', 'compensate', 'terminate'] as const;
export type SagaOperatorAction = (typeof SAGA_OPERATOR_ACTIONS)[number];

export const sagaOperatorAction = defineEvent({
  type: 'saga.operator_action',
  source: 'saga',
  subject: 'sagaId',
  description:
    'An operator acted on a saga from the console (retry its step, fire its timer now, compensate or terminate ' +
    'it), or tried to and was refused; the events the action caused follow with this one as their cause. The ' +
    'modules the saga drives act on the commands the action publishes; audit records it in the operators’ trail.',
  versions: [
    firstVersion({
      properties: {
        ...instance,
        action: oneOf(SAGA_OPERATOR_ACTIONS, 'What the operator asked for.'),
        reason: text('Why, in the operator’s words.', 500),
        actor: text('The admin user who acted (the token’s subject).', 200),
        actorTenantId: uuid('The tenant of the admin user who acted.'),
        outcome: oneOf(['applied', 'refused'], 'Whether the saga’s state allowed the action.'),
        refusal: Type.Union([code('Why the action was refused.'), Type.Null()], {
          description: 'Why the action was refused (null when applied).',
        }),
        status: code('The saga’s status after the action.'),
        step: code('The saga’s step after the action.'),
      },
      example: {
        ...instanceExample,
        action: 'fire_timer',
        reason: 'The customer asked us to close the unpaid order now.',
        actor: 'ops-admin',
        actorTenantId: EXAMPLE.operatorTenantId,
        outcome: 'applied',
        refusal: null,
        status: 'compensating',
        step: 'payment',
      },
    }),
  ],
});

export const SAGA_EVENTS = [
  sagaStarted,
  sagaStepCompleted,
  sagaCompensating,
  sagaCompleted,
  sagaFailed,
  sagaOperatorAction,
] as const;
