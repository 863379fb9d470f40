import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app.config.js';
import { AuthBackoffException } from './auth.exception.js';
import { clientKeyOf } from './client-address.js';

/** One authentication attempt: who makes it, and which API key it tries when it names one. */
export interface AuthAttempt {
  /** The caller's address as Express derives it under TRUST_PROXY (request.ip). */
  client: string | undefined;
  /** The public id of the API key tried (pk_<id>_…): guesses spread over many addresses still add up on it. */
  keyId?: string;
}

interface Failures {
  count: number;
  since: number;
  blockedUntil: number;
  forgetAt: number;
}

const FIRST_BACKOFF_MS = 1_000;
/** About 100 bytes each: a few MB at most, however many addresses an attacker has. */
const MAX_TRACKED = 50_000;

/**
 * Counts failed authentications per client address and per API key id and makes each side wait after
 * AUTH_FAILURE_LIMIT of them, 1 s doubling up to AUTH_BACKOFF_MAX_SECONDS. In memory, per instance, like the rate
 * limit: N replicas allow N times the failures, which the doubling still makes worthless for guessing.
 */
@Injectable()
export class AuthBackoffService {
  private readonly logger = new Logger('Auth');
  /** Ordered by last failure, oldest first, so the bound drops those least likely still to matter. */
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly config: AppConfig) {}

  /** Refuses the attempt unheard while its client or key waits: a guess answered then would still teach something. */
  assertAllowed(attempt: AuthAttempt): void {
    const now = Date.now();
    const until = Math.max(0, ...keysOf(attempt).map((key) => this.failures.get(key)?.blockedUntil ?? 0));
    if (until > now) {
      throw new AuthBackoffException(Math.ceil((until - now) / 1000));
    }
  }

  /**
   * For failures found before the wait was checked (bearer tokens: a valid one passes even while its client waits,
   * since its signature proves no guess): answered with the 429 while waiting, counted otherwise.
   */
  countFailure(attempt: AuthAttempt): void {
    this.assertAllowed(attempt);
    this.recordFailure(attempt);
  }

  recordFailure(attempt: AuthAttempt): void {
    const now = Date.now();
    const maxMs = this.config.AUTH_BACKOFF_MAX_SECONDS * 1000;
    for (const key of keysOf(attempt)) {
      const known = this.failures.get(key);
      const failures =
        known && known.forgetAt > now ? known : { count: 0, since: now, blockedUntil: 0, forgetAt: 0 };
      failures.count++;
      const beyond = failures.count - this.config.AUTH_FAILURE_LIMIT;
      if (beyond >= 0) {
        failures.blockedUntil = now + Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** beyond);
        this.logger.warn(
          `${key}: ${failures.count} failed authentications, refused for ${failures.blockedUntil - now} ms`,
        );
      }
      // From the first failure, not the last: a few mistakes now and then never add up to a wait.
      failures.forgetAt = Math.max(failures.since, failures.blockedUntil) + maxMs;
      this.failures.delete(key);
      this.failures.set(key, failures);
    }
    this.bound(now);
  }

  private bound(now: number): void {
    if (this.failures.size <= MAX_TRACKED) {
      return;
    }
    for (const [key, failures] of this.failures) {
      if (failures.forgetAt <= now) {
        this.failures.delete(key);
      }
    }
    // Still full of live entries: drop the oldest tenth at once rather than scanning again on every failure.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED * 0.9) {
        break;
      }
      this.failures.delete(key);
    }
  }
}

function keysOf(attempt: AuthAttempt): string[] {
  const client = `client:${clientKeyOf(attempt.client)}`;
  return attempt.keyId === undefined ? [client] : [client, `key:${attempt.keyId}`];
}
