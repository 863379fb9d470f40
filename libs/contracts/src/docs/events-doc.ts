import { fileURLToPath } from 'node:url';
import { EVENT_DEFINITIONS, type EventType } from '../event-catalog.js';
import { currentSchemas } from '../compatibility/released-schemas.js';
import { schemaKey, type JsonSchema } from '../compatibility/json-schema.js';
import { versionsOf, type EventDefinition } from '../events/event-definition.js';
import { RETIRED_EVENTS } from '../events/retired-events.js';
import { dlqTopicName, topicName } from '../topics.js';

export const EVENTS_DOC_PATH = fileURLToPath(new URL('../../../../docs/events.md', import.meta.url));

/** docs/events.md, rendered from the catalog alone so that it cannot say anything the code does not. */
export function renderEventsDoc(): string {
  const schemas = currentSchemas();
  const sections = EVENT_DEFINITIONS.map((definition) => renderEvent(definition, schemas));
  return [...HEADER, ...renderIndex(), '', ...sections.flat()].join('\n');
}

const HEADER = [
  '# Event catalog',
  '',
  '<!-- Generated from libs/contracts (see its README). Do not edit: a unit test fails when this file is stale. -->',
  '',
  'Every fact PLATFORMA records is one of the events below. A module publishes an event through its outbox, in the',
  'transaction that changed its state; the relay writes it to the Kafka topic named after the event type, keyed by',
  'tenant id so that one tenant’s events stay in order. Payloads are JSON Schema 2020-12 documents written with',
  "TypeBox in `libs/contracts`; the TypeScript types come from the same objects (`EventData<'order.created'>`).",
  '',
  '## Envelope',
  '',
  'The payload travels as `data` inside a CloudEvents 1.0 style envelope (`EventEnvelope<T>` in `@app/contracts`).',
  'libs/messaging carries the other attributes as Kafka headers.',
  '',
  '| Attribute | Type | Required | Meaning |',
  '| --- | --- | --- | --- |',
  '| `id` | string (UUIDv7) | yes | Event id; consumers deduplicate on it. |',
  '| `type` | string | yes | Event type, e.g. `order.created`; also the topic name. |',
  '| `specversion` | `"1.0"` | yes | CloudEvents version. |',
  '| `source` | string | yes | Publishing module: accounts, catalog, orders, provisioning, billing, notifications, audit or saga. |',
  '| `time` | string (date-time) | yes | When the fact became true. |',
  '| `subject` | string (uuid) | yes | Id of the aggregate the event is about (the field named under each event). |',
  '| `version` | integer | yes | Major version of the `data` schema. |',
  '| `tenantid` | string | yes | Hosting provider the event belongs to; the Kafka partition key. |',
  '| `correlationid` | string | yes | Shared by every event of one business flow, e.g. one order. |',
  '| `causationid` | string | no | Id of the event that caused this one. |',
  '| `traceparent` | string | no | W3C trace context. |',
  '| `data` | object | yes | The payload described below. |',
  '',
  '## Versions and compatibility',
  '',
  '- Each event has one schema per major version, `$id` `urn:platforma:event:<type>:v<N>`. Producers always publish',
  '  the latest version; consumers accept the latest and the previous one and upcast the older payload first.',
  '- Within a version the only allowed change is a new optional field with a default. Anything else (removing,',
  '  renaming or retyping a field, narrowing a value, making a field required) needs a new version and an upcaster.',
  '- Released schemas are committed under `libs/contracts/schemas/released/`; a unit test rejects incompatible edits.',
  '',
  '## Topics',
  '',
  'Each event type has its own topic, `<prefix><type>`, and a dead-letter topic `<prefix><type>.dlq` for records a',
  'consumer gave up on. The prefix (empty in production) isolates environments and test runs.',
  '',
];

function renderIndex(): string[] {
  return [
    '## Events',
    '',
    '| Event | Source | Version | Description |',
    '| --- | --- | --- | --- |',
    ...EVENT_DEFINITIONS.map(
      (d) =>
        `| [\`${d.type}\`](#${anchor(d.type)}) | ${d.source} | ${d.latestVersion} | ${cell(d.description)} |`,
    ),
    '',
    'Retired event types are no longer published and their names are not reused; their released schemas stay under',
    '`libs/contracts/schemas/released/`:',
    '',
    '| Retired event | Why |',
    '| --- | --- |',
    ...RETIRED_EVENTS.map((r) => `| \`${r.type}\` | ${cell(r.reason)} |`),
  ];
}

function renderEvent(
  definition: EventDefinition<EventType>,
  schemas: Readonly<Record<string, JsonSchema>>,
): string[] {
  const versions = versionsOf(definition);
  const latest = versions[versions.length - 1];
  return [
    `### ${definition.type}`,
    '',
    definition.description,
    '',
    '| | |',
    '| --- | --- |',
    `| Source module | ${definition.source} |`,
    `| Subject (aggregate id) | \`${definition.subject}\` |`,
    `| Topic | \`${topicName(definition.type)}\` |`,
    `| DLQ topic | \`${dlqTopicName(definition.type)}\` |`,
    ...(definition.logOnly === undefined
      ? []
      : [`| Consumers | none but the audit log: ${cell(definition.logOnly)} |`]),
    `| Current version | ${latest.version} |`,
    `| Schema | \`${schemaKey(definition.type, latest.version)}.json\` |`,
    '',
    ...(versions.length === 1
      ? []
      : [
          `Version history (consumers upcast older versions to v${latest.version} on read):`,
          '',
          ...versions.map((v) => `- v${v.version}: ${v.changes ?? 'first version.'}`),
          '',
        ]),
    `Payload (v${latest.version}):`,
    '',
    '| Field | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...fieldRows(schemas[schemaKey(definition.type, latest.version)], ''),
    '',
    'Example:',
    '',
    '```json',
    JSON.stringify(latest.example, null, 2),
    '```',
    '',
  ];
}

/** One row per field; fields of nested objects and of array items follow their parent as `parent.x` / `parent[].x`. */
function fieldRows(schema: JsonSchema, prefix: string): string[] {
  const required = new Set(schema.required);
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const defaultNote = field.default === undefined ? '' : ` Default: \`${JSON.stringify(field.default)}\`.`;
    const description = cell(`${field.description ?? ''}${defaultNote}`);
    const row = `| \`${path}\` | ${cell(typeLabel(field))} | ${required.has(name) ? 'yes' : 'no'} | ${description} |`;
    const nested =
      field.items === undefined ? fieldRows(field, `${path}.`) : fieldRows(field.items, `${path}[].`);
    return [row, ...nested];
  });
}

function typeLabel(schema: JsonSchema): string {
  if (schema.enum !== undefined) {
    return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  }
  if (schema.anyOf !== undefined) {
    return schema.anyOf.map(typeLabel).join(' | ');
  }
  if (schema.type === 'array') {
    const items = schema.items === undefined ? 'any' : typeLabel(schema.items);
    return withDetails(`array of ${items}`, [
      count(schema.minItems, 'at least'),
      schema.uniqueItems === true ? 'unique' : undefined,
    ]);
  }
  if (schema.patternProperties !== undefined) {
    const values = Object.values(schema.patternProperties).map(typeLabel).join(' | ');
    return `map of ${values}`;
  }
  const type = typeof schema.type === 'string' ? schema.type : 'any';
  return withDetails(type, [
    schema.format,
    pattern(schema.pattern),
    range(schema),
    count(schema.maxLength, 'max length'),
  ]);
}

function range(schema: JsonSchema): string | undefined {
  const { minimum, maximum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') {
    return `${minimum}–${maximum}`;
  }
  return typeof minimum === 'number' ? `≥ ${minimum}` : undefined;
}

function count(value: unknown, label: string): string | undefined {
  return typeof value === 'number' ? `${label} ${value}` : undefined;
}

function withDetails(base: string, details: readonly (string | undefined)[]): string {
  const shown = details.filter((detail) => detail !== undefined);
  return shown.length === 0 ? base : `${base} (${shown.join(', ')})`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** GitHub's heading anchor: lowercase, punctuation other than - and _ dropped. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

function pattern(regex: string | undefined): string | undefined {
  return regex === undefined ? undefined : `pattern \`${regex}\``;
}
