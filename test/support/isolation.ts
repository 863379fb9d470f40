import { randomBytes } from 'node:crypto';

/** A topic/group prefix of its own per suite, so suites share the broker without sharing state. */
export function uniquePrefix(suite: string): string {
  return `t.${suite}.${randomBytes(4).toString('hex')}.`;
}
