import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, count, timestamp, uuid } from './fields.js';

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

const reportedStep = Type.Object(
  {
    status: code('Status the order moved to.'),
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

export const orderStateReported = defineEvent({
  type: 'order.state_reported',
  source: 'orders',
  subject: 'orderId',
  description: 'The orders module reports the state it stores for an order, answering a replay.',
  versions: [
    firstVersion({
      properties: {
        replayId: uuid('The replay this answers.'),
        orderId: uuid('The order.'),
        found: Type.Boolean({ description: 'Whether orders knows the order at all.' }),
        status: Type.Union([code('Stored status.'), Type.Null()]),
        serviceId: Type.Union([uuid('Service created for the order.'), Type.Null()]),
        steps: Type.Array(reportedStep, { description: 'Stored step history, oldest first.', maxItems: 100 }),
        stepCount: count('Number of stored steps (the list may be cut at 100).', 0),
      },
      example: {
        replayId: EXAMPLE.replayId,
        orderId: EXAMPLE.orderId,
        found: true,
        status: 'completed',
        serviceId: EXAMPLE.serviceId,
        steps: [
          { status: 'pending', event: null, eventId: null, at: '2026-11-27T10:00:00.000Z' },
          {
            status: 'completed',
            event: 'provisioning.completed',
            eventId: EXAMPLE.notificationId,
            at: '2026-11-27T10:01:30.000Z',
          },
        ],
        stepCount: 2,
      },
    }),
  ],
});

export const REPLAY_EVENTS = [orderStateReportRequested, orderStateReported] as const;
