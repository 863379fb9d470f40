import { Type, type Static, type TObject, type TProperties } from 'typebox';
import type { SourceModule } from '../source-modules.js';

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** One major version of an event's payload schema. */
export interface EventVersion<S extends TObject = TObject> {
  readonly version: number;
  readonly schema: S;
  /** What this version changed relative to the previous one; absent on version 1. */
  readonly changes?: string;
  /** A valid payload, used by tests, docs and other teams' test data. */
  readonly example: Static<S>;
  /** Turns a valid payload of the previous version into this one; absent only on version 1. */
  readonly upcast?: (previous: unknown) => Static<S>;
}

export interface EventDefinition<T extends string = string> {
  readonly type: T;
  readonly source: SourceModule;
  /** Payload field holding the id of the aggregate the event is about (the envelope's `subject`). */
  readonly subject: string;
  readonly description: string;
  /**
   * Present on an event no module consumes, which is published for the audit log (and whoever reads it) alone: why
   * it exists all the same. Any other event must have a consumer (test/architecture/event-flow.spec.ts).
   */
  readonly logOnly?: string;
  readonly latestVersion: number;
  readonly versions: Readonly<Partial<Record<number, EventVersion>>>;
}

/** A definition that still knows its latest payload type, from which the catalog derives `EventMap`. */
export interface TypedEventDefinition<T extends string, S extends TObject> extends EventDefinition<T> {
  readonly latest: EventVersion<S>;
}

/** A version before `defineEvent` knows the event type it belongs to (and so its `$id`). */
export interface VersionDraft<P extends TProperties = TProperties> {
  readonly version: number;
  readonly properties: P;
  readonly changes?: string;
  readonly example: Static<TObject<P>>;
  readonly upcast?: (previous: unknown) => Static<TObject<P>>;
}

export function firstVersion<P extends TProperties>(draft: {
  properties: P;
  example: NoInfer<Static<TObject<P>>>;
}): VersionDraft<P> {
  return { version: 1, properties: draft.properties, example: draft.example };
}

/**
 * A new major version. Only needed for breaking changes; compatible additions (optional fields with a
 * default) go into the current version instead. The upcaster is typed from the previous version.
 */
export function nextVersion<Prev extends TProperties, P extends TProperties>(
  previous: VersionDraft<Prev>,
  draft: {
    properties: P;
    changes: string;
    example: NoInfer<Static<TObject<P>>>;
    upcast: (previous: Static<TObject<Prev>>) => NoInfer<Static<TObject<P>>>;
  },
): VersionDraft<P> {
  const upcast = draft.upcast;
  return {
    version: previous.version + 1,
    properties: draft.properties,
    changes: draft.changes,
    example: draft.example,
    // The validator only upcasts payloads that passed the previous version's schema.
    upcast: (data) => upcast(data as Static<TObject<Prev>>),
  };
}

type LatestProperties<V> = V extends readonly [...unknown[], VersionDraft<infer P>] ? P : never;

/** Payload fields that hold a string, i.e. the candidates for an aggregate id. */
type StringField<P> = { [K in keyof P]-?: P[K] extends string ? K : never }[keyof P] & string;

function eventSchemaId(type: string, version: number): string {
  return `urn:platforma:event:${type}:v${version}`;
}

export function defineEvent<
  const T extends string,
  const V extends readonly [VersionDraft, ...VersionDraft[]],
>(definition: {
  type: T;
  source: SourceModule;
  subject: NoInfer<StringField<Static<TObject<LatestProperties<V>>>>>;
  description: string;
  logOnly?: string;
  versions: V;
}): TypedEventDefinition<T, TObject<LatestProperties<V>>> {
  const { type, description } = definition;
  const versions = definition.versions.map((draft, index): EventVersion => {
    if (draft.version !== index + 1) {
      throw new Error(
        `${type}: versions must be listed in order from 1, found v${draft.version} at ${index + 1}`,
      );
    }
    const schema = Type.Object(draft.properties, {
      $schema: JSON_SCHEMA_DIALECT,
      $id: eventSchemaId(type, draft.version),
      title: `${type} v${draft.version}`,
      description:
        draft.changes === undefined
          ? description
          : `${description} Changes in v${draft.version}: ${draft.changes}`,
      additionalProperties: false,
    });
    return {
      version: draft.version,
      schema,
      changes: draft.changes,
      example: draft.example,
      upcast: draft.upcast,
    };
  });
  const latest = versions[versions.length - 1];
  return {
    type,
    source: definition.source,
    subject: definition.subject,
    description,
    ...(definition.logOnly === undefined ? {} : { logOnly: definition.logOnly }),
    latestVersion: latest.version,
    versions: Object.fromEntries(versions.map((v) => [v.version, v])),
    // The schema object was built from the latest draft's own properties, so the narrowing is exact.
    latest: latest as EventVersion<TObject<LatestProperties<V>>>,
  };
}

/** The versions of an event, oldest first. */
export function versionsOf(definition: EventDefinition): EventVersion[] {
  return Object.values(definition.versions)
    .filter((version) => version !== undefined)
    .sort((a, b) => a.version - b.version);
}
