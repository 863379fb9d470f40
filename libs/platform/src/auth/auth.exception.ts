import { DomainProblem } from '../http/problem.js';

/** 429 while a client address or an API key is backing off after failed authentications. */
export class AuthBackoffException extends DomainProblem {
  constructor(override readonly retryAfterSeconds: number) {
    super(
      429,
      'too-many-failed-attempts',
      'Too many failed authentication attempts',
      `Try again in ${retryAfterSeconds} s.`,
    );
  }
}
