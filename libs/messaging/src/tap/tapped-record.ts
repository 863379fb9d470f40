import { headerString, type RawRecord } from '../envelope/envelope.codec.js';

/** A record exactly as the broker holds it, decoded to text only: nothing is validated or interpreted. */
export interface TappedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Each header's first value as UTF-8 text. */
  headers: Record<string, string>;
  value: string | null;
  /** Broker or producer timestamp, milliseconds since the epoch, as Kafka reports it. */
  timestamp: string;
}

/** Gets a batch of records durably somewhere; rejecting means "not stored, give me the same records again". */
export type TapHandler = (records: TappedRecord[]) => Promise<void>;

export function tappedRecord(
  topic: string,
  partition: number,
  message: RawRecord & { offset: string; timestamp: string },
): TappedRecord {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(message.headers ?? {})) {
    const value = headerString(message.headers, name);
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString(),
    headers,
    value: message.value === null ? null : message.value.toString(),
    timestamp: message.timestamp,
  };
}

/** The offset to commit once `offset` is stored: Kafka commits the next record to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

export interface DeliveryControl {
  /** False once the tap stops or the partition was taken away: give up without storing. */
  active(): boolean;
  /** Waits between attempts (and keeps the group membership alive meanwhile). */
  wait(ms: number): Promise<void>;
  onFailure?(error: unknown, attempt: number, retryInMs: number): void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Hands records to the handler until it succeeds, backing off between attempts. A failure is never skipped: the
 * records either end stored (true) or the caller stops asking (false, nothing to commit).
 */
export async function deliver(
  handler: TapHandler,
  records: TappedRecord[],
  control: DeliveryControl,
): Promise<boolean> {
  let backoff = control.initialBackoffMs ?? 200;
  const maxBackoff = control.maxBackoffMs ?? 10_000;
  for (let attempt = 1; control.active(); attempt++) {
    try {
      await handler(records);
      return true;
    } catch (error) {
      control.onFailure?.(error, attempt, backoff);
      await control.wait(backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
  return false;
}
