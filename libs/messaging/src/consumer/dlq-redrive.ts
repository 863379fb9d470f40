import { dlqTopicName, eventDefinition, isEventType, topicName } from '@app/contracts';
import { decodeEnvelope, MalformedRecordError } from '../envelope/envelope.codec.js';
import type { UnitOfWork } from '../outbox/unit-of-work.js';
import type { EventSchemasService } from '../validation/event-schemas.service.js';
import { DLQ_HEADER } from './dlq.headers.js';

export interface DeadLetter {
  /** The DLQ topic the record was read from. */
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export class RedriveRefusedError extends Error {
  override readonly name = 'RedriveRefusedError';
}

export const DEFAULT_REDRIVE_CAP = 3;

/**
 * Where a dead letter may go back to, or a RedriveRefusedError saying why it may not. Whoever may write a DLQ
 * (every consumer of its topic) chooses its headers and value, while the redrive publishes with the rights of the
 * redriving module: so the target is the topic whose DLQ it is on (the dlq_original_topic header must agree, it does
 * not choose), and the record must be an event that topic could have carried — its type, the catalog source of that
 * type as ce_source, and a payload its schema accepts.
 */
export function redriveTarget(letter: DeadLetter, topicPrefix: string, schemas: EventSchemasService): string {
  const type = letter.topic.startsWith(topicPrefix)
    ? letter.topic.slice(topicPrefix.length).replace(/\.dlq$/, '')
    : '';
  if (!isEventType(type) || dlqTopicName(type, topicPrefix) !== letter.topic) {
    throw new RedriveRefusedError(`${letter.topic} is not the DLQ of a catalog topic`);
  }
  const target = topicName(type, topicPrefix);
  const named = letter.headers[DLQ_HEADER.originalTopic];
  if (!named) {
    throw new RedriveRefusedError(`not a dead letter: header ${DLQ_HEADER.originalTopic} is missing`);
  }
  if (named !== target) {
    throw new RedriveRefusedError(
      `its ${DLQ_HEADER.originalTopic} header names ${named}, but a dead letter on ${letter.topic} can only go back to ${target}`,
    );
  }
  let envelope: ReturnType<typeof decodeEnvelope>;
  try {
    envelope = decodeEnvelope(letter);
  } catch (error) {
    if (error instanceof MalformedRecordError) {
      throw new RedriveRefusedError(`not an event: ${error.message}`);
    }
    throw error;
  }
  if (envelope.type !== type) {
    throw new RedriveRefusedError(`it is a ${envelope.type}, but ${target} carries only ${type}`);
  }
  const source = eventDefinition(type).source;
  if (envelope.source !== source) {
    throw new RedriveRefusedError(
      `${type} is published by ${source}, but its ce_source is ${envelope.source}`,
    );
  }
  const checked = schemas.accept(type, envelope.version, envelope.data);
  if (!checked.ok) {
    throw new RedriveRefusedError(`it fails the schema of ${type}: ${checked.errors.join('; ')}`);
  }
  return target;
}

/** The redrive count the record goes back with, or a RedriveRefusedError once it was redriven `cap` times. */
export function nextRedriveCount(letter: DeadLetter, cap = DEFAULT_REDRIVE_CAP): number {
  const counted = letter.headers[DLQ_HEADER.redriveCount] ?? '0';
  if (!/^\d{1,9}$/.test(counted)) {
    // NaN would compare below any cap.
    throw new RedriveRefusedError(`its ${DLQ_HEADER.redriveCount} header is not a count`);
  }
  const count = Number(counted) + 1;
  if (count > cap) {
    throw new RedriveRefusedError(`already redriven ${count - 1} times (cap ${cap})`);
  }
  return count;
}

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
  const target = redriveTarget(letter, uow.topicPrefix, uow.schemas);
  const count = nextRedriveCount(letter, cap);
  const headers = Object.fromEntries(
    Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq_')),
  );
  headers[DLQ_HEADER.redriveCount] = String(count);
  await uow.publishRaw(target, letter.key, headers, letter.value);
  return target;
}
