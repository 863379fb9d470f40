import { Type, type TSchema } from 'typebox';
import { defineEvent, firstVersion, nextVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, count, timestamp, uuid } from './fields.js';
import { orderStatus, type OrderStatus } from './orders.events.js';

// Replay: the audit module folds an order's logged events into the state they imply and asks the orders module,
// by event, for the state it stores, so the two can be compared without either reading the other's tables.

export const orderStateReportRequested = defineEvent({
  type: 'order.state_report_requested',
  source: 'audit',
  subject: 'orderId',
  description: 'An operator replays an order: the audit module asks orders to report the state it stores.',
  versions: [
    firstVersion({
      properties: {
        replayId: uuid('The replay asking; the report carries it back.'),
        orderId: uuid('Order to report on.'),
      },
      example: { replayId: EXAMPLE.replayId, orderId: EXAMPLE.orderId },
    }),
  ],
});

function reportedStep<S extends TSchema>(status: S) {
  return Type.Object(
    {
      status,
      event: Type.Union([
        Type.String({
          pattern: '^[a-z][a-z0-9_.]*$',
          maxLength: 100,
          description: 'Event type that moved it.',
        }),
        Type.Null(),
      ]),
      eventId: Type.Union([uuid('Id of that event.'), Type.Null()]),
      at: timestamp('When the order moved.'),
    },
    { additionalProperties: false },
  );
}

const steps = <S extends TSchema>(status: S) =>
  Type.Array(reportedStep(status), { description: 'Stored step history, oldest first.', maxItems: 100 });

const stateReportExample = {
  replayId: EXAMPLE.replayId,
  orderId: EXAMPLE.orderId,
  found: true,
  status: 'completed' as OrderStatus,
  serviceId: EXAMPLE.serviceId,
  steps: [
    { status: 'pending' as OrderStatus, event: null, eventId: null, at: '2026-11-27T10:00:00.000Z' },
    {
      status: 'completed' as OrderStatus,
      event: 'provisioning.completed',
      eventId: EXAMPLE.notificationId,
      at: '2026-11-27T10:01:30.000Z',
    },
  ],
  stepCount: 2,
};

const orderStateReportedV1 = firstVersion({
  properties: {
    replayId: uuid('The replay this answers.'),
    orderId: uuid('The order.'),
    found: Type.Boolean({ description: 'Whether orders knows the order at all.' }),
    status: Type.Union([code('Stored status.'), Type.Null()]),
    serviceId: Type.Union([uuid('Service created for the order.'), Type.Null()]),
    steps: steps(code('Status the order moved to.')),
    stepCount: count('Number of stored steps (the list may be cut at 100).', 0),
  },
  example: stateReportExample,
});

const orderStateReportedV2 = nextVersion(orderStateReportedV1, {
  properties: {
    ...orderStateReportedV1.properties,
    status: Type.Union([orderStatus('Stored status.'), Type.Null()]),
    steps: steps(orderStatus('Status the order moved to.')),
  },
  changes:
    "status and the steps' status name one of the order statuses (an enum) instead of any code. Orders only " +
    'ever reported its stored statuses, so upcasting keeps v1 values as they are.',
  example: stateReportExample,
  // A v1 status outside the list fails v2's validation, and the validator refuses the upcast.
  upcast: (v1) => ({
    ...v1,
    status: v1.status as OrderStatus | null,
    steps: v1.steps.map((step) => ({ ...step, status: step.status as OrderStatus })),
  }),
});

export const orderStateReported = defineEvent({
  type: 'order.state_reported',
  source: 'orders',
  subject: 'orderId',
  description: 'The orders module reports the state it stores for an order, answering a replay.',
  versions: [orderStateReportedV1, orderStateReportedV2],
});

export const REPLAY_EVENTS = [orderStateReportRequested, orderStateReported] as const;
