import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, count, slug, text, uuid } from './fields.js';

// Every saga event names the definition and its version, so a saga started under an old definition can be
// finished (or compensated) by it even after a deployment changed the steps.
const instance = {
  sagaId: uuid('The saga instance.'),
  orderId: uuid('Order the saga drives.'),
  definition: slug('Saga definition name, e.g. vps-order.'),
  definitionVersion: count('Version of the saga definition the instance runs.'),
};
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

export const SAGA_EVENTS = [
  sagaStarted,
  sagaStepCompleted,
  sagaCompensating,
  sagaCompleted,
  sagaFailed,
] as const;
