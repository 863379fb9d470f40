import { type Backoff, exponentialBackoffMs } from '../backoff.js';

/** What one POST came to: the endpoint's HTTP status, or why there was none (timeout, connection error). */
export type AttemptResult =
  { statusCode: number; error?: undefined } | { statusCode?: undefined; error: string };

export interface DeliveryPolicy {
  maxAttempts: number;
  backoff: Backoff;
}

export type NextStep =
  | { status: 'delivered' }
  | { status: 'pending'; retryInMs: number; lastError: string }
  | { status: 'failed'; lastError: string; disableEndpoint: boolean };

export const GONE = 410;

export const isSuccess = (statusCode: number): boolean => statusCode >= 200 && statusCode < 300;

/** The error an attempt is logged with: null for a 2xx answer. */
export function attemptError(result: AttemptResult): string | null {
  if (result.statusCode === undefined) {
    return result.error;
  }
  return isSuccess(result.statusCode) ? null : `HTTP ${result.statusCode}`;
}

/**
 * After attempt number `attempts`: a 2xx answer delivers; 410 Gone means the receiver is gone for good, so the
 * delivery fails and the endpoint is disabled; anything else (another status, a redirect, a timeout, a connection
 * error) is retried with exponential backoff until maxAttempts attempts have been made.
 */
export function nextStep(result: AttemptResult, attempts: number, policy: DeliveryPolicy): NextStep {
  const error = attemptError(result);
  if (error === null) {
    return { status: 'delivered' };
  }
  if (result.statusCode === GONE) {
    return {
      status: 'failed',
      lastError: `${error}: the endpoint is gone and was disabled`,
      disableEndpoint: true,
    };
  }
  if (attempts >= policy.maxAttempts) {
    return { status: 'failed', lastError: error, disableEndpoint: false };
  }
  return { status: 'pending', retryInMs: exponentialBackoffMs(attempts, policy.backoff), lastError: error };
}
