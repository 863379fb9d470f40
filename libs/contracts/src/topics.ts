import { EVENT_TYPES, type EventType } from './event-catalog.js';

// One topic per event type: consumers subscribe to exactly the facts they handle, and retention or
// partition counts can be tuned per event. The prefix isolates environments and test suites.

export function topicName(type: EventType, prefix = ''): string {
  return `${prefix}${type}`;
}

/** Where a consumer parks a record it cannot process after its retries, so the partition keeps moving. */
export function dlqTopicName(type: EventType, prefix = ''): string {
  return `${topicName(type, prefix)}.dlq`;
}

/** Every event topic followed by its DLQ, e.g. for creating topics up front. */
export function allTopics(prefix = ''): string[] {
  return EVENT_TYPES.flatMap((type) => [topicName(type, prefix), dlqTopicName(type, prefix)]);
}
