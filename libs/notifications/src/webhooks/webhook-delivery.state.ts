import { type Backoff, exponentialBackoffMs } from '../backoff.js';

/**
 * Why an attempt got no HTTP answer, as its tenant may see it. Deliberately coarse: a socket error code or a
 * timeout would tell a caller which ports of a host are open, closed or filtered; the details go to the log only.
 */
export const NO_ANSWER = {
  /** The name did not resolve, the connection failed or timed out, or TLS failed. */
  unreachable: 'unreachable',
  /** The host resolved to an address customer webhooks must not reach. */
  refused: 'refused by policy',
} as const;
export type NoAnswer = (typeof NO_ANSWER)[keyof typeof NO_ANSWER];

/** What one POST came to: the endpoint's HTTP status, or why there was none. */
export type AttemptResult =
  { statusCode: number; error?: undefined } | { statusCode?: undefined; error: NoAnswer };

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
 * delivery fails and the endpoint is disabled; anything else (another status, a redirect, no answer) is retried with exponential backoff until maxAttempts attempts have been made.
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
