import {
  EVENT_TYPES,
  RETIRED_EVENTS,
  dlqTopicName,
  eventDefinition,
  eventFlow,
  topicName,
  versionsOf,
  type EventType,
} from '@app/contracts';
import type { EventSchemaSummary, EventSchemaVersionView, SchemaCatalogView } from './schema-browser.view.js';

/** Checks a payload against one version and returns it with that version's defaults (the project's validator). */
export type VersionCheck = (
  type: EventType,
  version: number,
  data: unknown,
) => { ok: true; data: unknown } | { ok: false; errors: string[] };

export function schemaSummary(type: EventType, prefix: string): EventSchemaSummary {
  const definition = eventDefinition(type);
  const [producer, ...otherProducers] = eventFlow(type).producers;
  return {
    type,
    description: definition.description,
    subject: definition.subject,
    latestVersion: definition.latestVersion,
    versions: versionsOf(definition).map((v) => v.version),
    producer: producer ?? definition.source,
    otherProducers: [...otherProducers],
    consumers: [...eventFlow(type).consumers],
    logOnly: definition.logOnly ?? null,
    topic: topicName(type, prefix),
    dlqTopic: dlqTopicName(type, prefix),
  };
}

/** Every event type of the catalog, in its order, and the retired ones. */
export function schemaCatalog(prefix: string): SchemaCatalogView {
  return {
    events: EVENT_TYPES.map((type) => schemaSummary(type, prefix)),
    retired: RETIRED_EVENTS.map(({ type, reason }) => ({ type, reason })),
  };
}

/** Each version's JSON Schema, example and, from version 2 on, what its upcaster makes of the previous example. */
export function schemaVersions(type: EventType, check: VersionCheck): EventSchemaVersionView[] {
  const versions = versionsOf(eventDefinition(type));
  return versions.map((version, i) => {
    const previous = versions[i - 1];
    let upcastFromPrevious: unknown = null;
    if (previous !== undefined && version.upcast !== undefined) {
      const lifted = check(type, version.version, version.upcast(structuredClone(previous.example)));
      upcastFromPrevious = lifted.ok ? lifted.data : { invalid: lifted.errors };
    }
    return {
      version: version.version,
      changes: version.changes ?? null,
      // JSON drops TypeBox's symbols: what is left is the schema Ajv compiles, keyword for keyword.
      jsonSchema: JSON.parse(JSON.stringify(version.schema)) as Record<string, unknown>,
      example: structuredClone(version.example),
      upcastFromPrevious,
    };
  });
}
