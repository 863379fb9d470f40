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
    (s) => `SELECT event_id, topic, key, headers, payload FROM "${s}".outbox WHERE strpos(payload, $1) > 0`,
  ).join(' UNION ALL ');
  const rows: {
    event_id: string;
    topic: string;
    key: string;
    headers: Record<string, string>;
    payload: string;
  }[] = await db.query(union, [orderId]);
  // Narrowed by text first, then parsed here: a published row may hold a deliberately malformed payload (the
  // DLQ tests), which a jsonb cast in SQL would choke on.
  return rows
    .flatMap((r) => {
      const data = parseObject(r.payload);
      const variables = data?.variables as Record<string, unknown> | undefined;
      return data && (data.orderId === orderId || variables?.orderId === orderId) ? [{ ...r, data }] : [];
    })
    .map((r) => ({
      id: r.event_id,
      type: r.headers.ce_type ?? '',
      time: r.headers.ce_time ?? '',
      causationId: r.headers.ce_causationid ?? null,
      topic: r.topic,
      key: r.key,
      headers: r.headers,
      payload: r.payload,
      data: r.data,
    }))
    .sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The types in log order, keeping only those asked about. */
export function sequence(events: LoggedEvent[], types: string[]): string[] {
  return events.map((e) => e.type).filter((t) => types.includes(t));
}

/** Payloads a module wrote to its outbox for one topic about one service, oldest first. */
export async function outboxPayloadsOfService(
  db: DataSource,
  schema: string,
  topic: string,
  serviceId: string,
): Promise<Record<string, unknown>[]> {
  const rows = await db.query<{ payload: string }[]>(
    `SELECT payload FROM "${schema}".outbox WHERE topic = $1 AND payload::jsonb ->> 'serviceId' = $2 ORDER BY id`,
    [topic, serviceId],
  );
  return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}
