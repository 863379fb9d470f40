import type { DataSource } from 'typeorm';
import { SOURCE_MODULES } from '@app/contracts';

export interface LoggedEvent {
  id: string;
  type: string;
  time: string;
  causationId: string | null;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: string;
  data: Record<string, unknown>;
}

/**
 * Every event of an order as the modules published it (their outboxes keep published rows for a day), oldest
 * first: the event log until the audit module reads it from Kafka.
 */
export async function orderEvents(db: DataSource, orderId: string): Promise<LoggedEvent[]> {
  const union = SOURCE_MODULES.map(
    (s) =>
      `SELECT event_id, topic, key, headers, payload FROM "${s}".outbox WHERE $1 IN (payload::jsonb ->> 'orderId', payload::jsonb -> 'variables' ->> 'orderId')`,
  ).join(' UNION ALL ');
  const rows: {
    event_id: string;
    topic: string;
    key: string;
    headers: Record<string, string>;
    payload: string;
  }[] = await db.query(union, [orderId]);
  return rows
    .map((r) => ({
      id: r.event_id,
      type: r.headers.ce_type ?? '',
      time: r.headers.ce_time ?? '',
      causationId: r.headers.ce_causationid ?? null,
      topic: r.topic,
      key: r.key,
      headers: r.headers,
      payload: r.payload,
      data: JSON.parse(r.payload) as Record<string, unknown>,
    }))
    .sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

/** The types in log order, keeping only those asked about. */
export function sequence(events: LoggedEvent[], types: string[]): string[] {
  return events.map((e) => e.type).filter((t) => types.includes(t));
}
