export { SOURCE_MODULES, type SourceModule } from './source-modules.js';
export type { AnyEventEnvelope, EventEnvelope } from './envelope.js';
export {
  EVENT_TYPES,
  eventDefinition,
  eventSubject,
  exampleEvent,
  isEventType,
  type EventData,
  type EventMap,
  type EventType,
} from './event-catalog.js';
export type { EventDefinition, EventVersion } from './events/event-definition.js';
export { signUpTokenContext } from './events/accounts.events.js';
export { SERVICE_ACTIONS } from './events/services.events.js';
export { allTopics, dlqTopicName, topicName } from './topics.js';
export {
  EventUpcastError,
  EventValidator,
  type EventValidatorOptions,
  type ValidationFailure,
  type ValidationResult,
} from './validation/event-validator.js';
