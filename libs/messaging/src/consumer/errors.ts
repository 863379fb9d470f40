/**
 * A handler's way to say "this event can never succeed" (a domain rejection): it goes to the DLQ at once instead
 * of being retried.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

/**
 * The event arrived before something it depends on (e.g. a reply before the saga saw the order): another topic will
 * catch up, so it is retried with backoff for as long as it takes instead of being dead-lettered.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}
