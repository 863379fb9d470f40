// The schema browser's answers (GET /v1/admin/schemas[/:type]). Like admin-api.view.ts this file imports nothing, so
// the console's browser modules can import its types.

/** One event type as the catalog declares it, with this environment's topic names. */
export interface EventSchemaSummary {
  type: string;
  description: string;
  /** The payload field holding the aggregate id (the envelope's subject). */
  subject: string;
  latestVersion: number;
  versions: number[];
  /** The module the catalog names as the event's source. */
  producer: string;
  /** Modules that publish it too (a request any module may make of another). */
  otherProducers: string[];
  /** Modules whose handlers consume it, as the catalog declares them (the audit log, which records all, aside). */
  consumers: string[];
  /** Why nobody consumes it, for an event published for the audit log alone; null otherwise. */
  logOnly: string | null;
  topic: string;
  dlqTopic: string;
}

export interface RetiredEventView {
  type: string;
  reason: string;
}

export interface SchemaCatalogView {
  events: EventSchemaSummary[];
  /** Types taken out of the catalog: no longer published, their names not reused. */
  retired: RetiredEventView[];
}

export interface EventSchemaVersionView {
  version: number;
  /** What this version changed relative to the previous one; null on version 1. */
  changes: string | null;
  /** The JSON Schema (draft 2020-12) the validator checks this version's payloads against. */
  jsonSchema: Record<string, unknown>;
  /** A payload valid in this version. */
  example: unknown;
  /** Not on version 1: the previous version's example as this version's upcaster (and defaults) turn it. */
  upcastFromPrevious: unknown;
}

/** A topic's layout and retention as the broker reports them. */
export interface TopicSettingsView {
  topic: string;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  /** -1: kept for ever. */
  retentionMs: number;
  /** -1: no size limit. */
  retentionBytes: number;
  cleanupPolicy: string;
}

export interface EventSchemaDetailView extends EventSchemaSummary {
  /** Oldest first. */
  schemas: EventSchemaVersionView[];
  /** The event's topic and its DLQ as the broker has them; null for a topic it does not have. */
  topics: { topic: TopicSettingsView | null; dlq: TopicSettingsView | null };
  /** What this environment creates topics with, to compare the broker's values against. */
  configured: { partitions: number; replicationFactor: number; minInsyncReplicas: number };
}
