import type { UnitOfWork } from '../outbox/unit-of-work.js';
import { DLQ_HEADER } from './dlq.headers.js';

export interface DeadLetter {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export class RedriveRefusedError extends Error {
  override readonly name = 'RedriveRefusedError';
}

export const DEFAULT_REDRIVE_CAP = 3;

/**
 * Puts a dead-lettered record back on its original topic, through the caller's outbox so the redrive and the
 * record of who asked for it commit together. The same event id is kept: consumers that already handled it skip it.
 * A counter travels with the record; past the cap the record stays in the DLQ for a human to look at.
 */
export async function redriveDeadLetter(
  uow: UnitOfWork,
  letter: DeadLetter,
  cap = DEFAULT_REDRIVE_CAP,
): Promise<string> {
  const original = letter.headers[DLQ_HEADER.originalTopic];
  if (!original) {
    throw new RedriveRefusedError(`not a dead letter: header ${DLQ_HEADER.originalTopic} is missing`);
  }
  const count = Number(letter.headers[DLQ_HEADER.redriveCount] ?? '0') + 1;
  if (count > cap) {
    throw new RedriveRefusedError(`already redriven ${count - 1} times (cap ${cap})`);
  }
  const headers = Object.fromEntries(
    Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq_')),
  );
  headers[DLQ_HEADER.redriveCount] = String(count);
  await uow.publishRaw(original, letter.key, headers, letter.value);
  return original;
}
