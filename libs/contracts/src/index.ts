export { SOURCE_MODULES, type SourceModule } from './source-modules.js';
export type { AnyEventEnvelope, EventEnvelope } from './envelope.js';
export {
  EVENT_TYPES,
  eventDefinition,
  exampleEvent,
  isEventType,
  type EventData,
  type EventMap,
  type EventType,
} from './event-catalog.js';
export type { EventDefinition, EventVersion } from './events/event-definition.js';
export { EVENT_CONSUMERS, eventFlow, type EventFlow } from './event-flow.js';
export { versionsOf } from './events/event-definition.js';
export { RETIRED_EVENTS } from './events/retired-events.js';
export { signUpTokenContext } from './events/accounts.events.js';
export { ORDER_STATUSES, type OrderStatus } from './events/orders.events.js';
export {
  SAGA_OPERATOR_ACTIONS,
  SAGA_STATUSES,
  type SagaOperatorAction,
  type SagaStatus,
} from './events/saga.events.js';
export { SERVICE_ACTIONS } from './events/services.events.js';
export { allTopics, dlqTopicName, topicName } from './topics.js';
export {
  EventValidator,
  type EventValidatorOptions,
  type ValidationFailure,
  type ValidationResult,
} from './validation/event-validator.js';
