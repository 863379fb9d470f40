import type { Static, TObject } from 'typebox';
import { ACCOUNT_EVENTS } from './events/accounts.events.js';
import { BILLING_EVENTS } from './events/billing.events.js';
import { COMMAND_EVENTS } from './events/commands.events.js';
import type { EventDefinition, TypedEventDefinition } from './events/event-definition.js';
import { NOTIFICATION_EVENTS } from './events/notifications.events.js';
import { ORDER_EVENTS } from './events/orders.events.js';
import { PLAN_EVENTS } from './events/plans.events.js';
import { PROVISIONING_EVENTS } from './events/provisioning.events.js';
import { REPLAY_EVENTS } from './events/replay.events.js';
import { SAGA_EVENTS } from './events/saga.events.js';
import { SERVICE_EVENTS } from './events/services.events.js';
import { SUBSCRIPTION_EVENTS } from './events/subscriptions.events.js';

/** Every event, in the order the docs list them (roughly the order an order's life produces them). */
export const EVENT_DEFINITIONS = [
  ...ACCOUNT_EVENTS,
  ...PLAN_EVENTS,
  ...ORDER_EVENTS,
  ...BILLING_EVENTS,
  ...PROVISIONING_EVENTS,
  ...SERVICE_EVENTS,
  ...SUBSCRIPTION_EVENTS,
  ...NOTIFICATION_EVENTS,
  ...SAGA_EVENTS,
  ...COMMAND_EVENTS,
  ...REPLAY_EVENTS,
] as const;

type Definition = (typeof EVENT_DEFINITIONS)[number];

export type EventType = Definition['type'];

/** Event type → payload of its latest version: the one type handlers and publishers use. */
export type EventMap = { [D in Definition as D['type']]: Static<D['latest']['schema']> };

export type EventData<T extends EventType> = EventMap[T];

export const EVENT_TYPES: readonly EventType[] = EVENT_DEFINITIONS.map((definition) => definition.type);

const BY_TYPE = new Map<string, TypedEventDefinition<string, TObject>>(
  EVENT_DEFINITIONS.map((definition) => [definition.type, definition]),
);
if (BY_TYPE.size !== EVENT_DEFINITIONS.length) {
  throw new Error('Two event definitions share a type');
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && BY_TYPE.has(value);
}

function typedDefinition(type: string): TypedEventDefinition<string, TObject> {
  const definition = BY_TYPE.get(type);
  if (definition === undefined) {
    // Only reachable by casting an unchecked string to EventType; guard wire input with isEventType().
    throw new Error(`Unknown event type '${type}'`);
  }
  return definition;
}

export function eventDefinition<T extends EventType>(type: T): EventDefinition<T> {
  const { latest: _latest, ...definition } = typedDefinition(type);
  return { ...definition, type };
}

/** A valid payload of the latest version (a fresh copy), with optional overrides: test data for any module. */
export function exampleEvent<T extends EventType>(
  type: T,
  overrides: Partial<EventData<T>> = {},
): EventData<T> {
  const example = structuredClone(typedDefinition(type).latest.example) as EventData<T>;
  return { ...example, ...overrides };
}

/** The aggregate id the envelope's `subject` carries. */
export function eventSubject<T extends EventType>(type: T, data: EventData<T>): string {
  const field = typedDefinition(type).subject;
  const value: unknown = (data as Record<string, unknown>)[field];
  if (typeof value !== 'string') {
    throw new Error(`${type} payload lacks its subject field '${field}'`);
  }
  return value;
}
