import { schemaKey, type JsonSchema } from './compatibility/json-schema.js';
import { currentSchemas, readReleasedSchemas } from './compatibility/released-schemas.js';
import {
  EVENT_DEFINITIONS,
  EVENT_TYPES,
  eventDefinition,
  eventSubject,
  exampleEvent,
  isEventType,
} from './event-catalog.js';
import { versionsOf } from './events/event-definition.js';
import { RETIRED_EVENTS } from './events/retired-events.js';
import { SOURCE_MODULES } from './source-modules.js';

const REQUIRED_TYPES = [
  'account.created',
  'account.suspended',
  'catalog.plan.published',
  'catalog.plan.retired',
  'order.created',
  'order.confirmed',
  'order.cancelled',
  'order.completed',
  'invoice.generated',
  'invoice.voided',
  'payment.received',
  'payment.failed',
  'payment.refunded',
  'provisioning.requested',
  'provisioning.started',
  'provisioning.progress',
  'provisioning.completed',
  'provisioning.failed',
  'provisioning.released',
  'service.suspended',
  'service.unsuspended',
  'service.terminated',
  'notification.requested',
  'notification.sent',
  'notification.failed',
  'saga.started',
  'saga.step_completed',
  'saga.compensating',
  'saga.completed',
  'saga.failed',
];

const allVersions = EVENT_DEFINITIONS.flatMap((definition) =>
  versionsOf(definition).map((version) => ({
    name: `${definition.type} v${version.version}`,
    definition,
    schema: currentSchemas()[schemaKey(definition.type, version.version)],
  })),
);

/** Every property in a schema tree with its parent object schema, for invariants that hold at any depth. */
function propertiesOf(schema: JsonSchema): { name: string; field: JsonSchema; parent: JsonSchema }[] {
  const own = Object.entries(schema.properties ?? {}).map(([name, field]) => ({
    name,
    field,
    parent: schema,
  }));
  const nested = Object.values(schema.properties ?? {}).flatMap((field) =>
    propertiesOf(field.items !== undefined ? field.items : field),
  );
  return [...own, ...nested];
}

describe('event catalog', () => {
  it('defines every event type the platform relies on, each once', () => {
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(REQUIRED_TYPES));
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
  });

  it('holds no retired type, and keeps each retired type’s released schemas as its record', () => {
    const released = Object.keys(readReleasedSchemas());
    for (const { type, reason } of RETIRED_EVENTS) {
      expect({ type, inCatalog: isEventType(type) }).toEqual({ type, inCatalog: false });
      expect(released).toContain(schemaKey(type, 1));
      expect(reason.length).toBeGreaterThan(10);
    }
  });

  it('names types <aggregate>.<past-tense fact> in lowercase, usable as Kafka topic names', () => {
    for (const type of EVENT_TYPES) {
      expect(type).toMatch(/^[a-z]+(\.[a-z_]+)+$/);
    }
  });

  it('tells event types from other strings', () => {
    expect(isEventType('order.created')).toBe(true);
    expect(isEventType('order.created.dlq')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType(42)).toBe(false);
  });

  it('describes each event with its publishing module, latest version and versions', () => {
    const definition = eventDefinition('order.created');
    expect(definition).toMatchObject({
      type: 'order.created',
      source: 'orders',
      subject: 'orderId',
      latestVersion: 2,
    });
    expect(Object.keys(definition.versions)).toEqual(['1', '2']);
    for (const { definition: d } of allVersions) {
      expect(SOURCE_MODULES).toContain(d.source);
      expect(d.description.length).toBeGreaterThan(10);
    }
  });

  it.each(allVersions)('$name is a closed, identified draft 2020-12 schema', ({ definition, schema }) => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(
      new RegExp(`^urn:platforma:event:${definition.type.replaceAll('.', '\\.')}:v\\d+$`),
    );
    expect(schema.title).toEqual(expect.any(String));
    expect(schema.description).toEqual(expect.any(String));
    expect(schema.additionalProperties).toBe(false);
    for (const { field } of propertiesOf(schema)) {
      if (field.type === 'object' && field.patternProperties === undefined) {
        expect(field.additionalProperties).toBe(false);
      }
    }
  });

  it.each(allVersions)('$name carries its subject as a required uuid', ({ definition, schema }) => {
    expect(schema.required).toContain(definition.subject);
    expect(schema.properties?.[definition.subject]).toMatchObject({ type: 'string', format: 'uuid' });
  });

  it.each(allVersions)(
    '$name keeps money in integer minor units beside an ISO 4217 currency',
    ({ schema }) => {
      for (const { name, field, parent } of propertiesOf(schema).filter((p) => p.name.endsWith('Minor'))) {
        expect({ name, type: field.type, minimum: field.minimum }).toEqual({
          name,
          type: 'integer',
          minimum: 0,
        });
        const currency = parent.properties?.currency ?? schema.properties?.currency;
        expect(currency).toMatchObject({ type: 'string', pattern: '^[A-Z]{3}$' });
      }
    },
  );

  // A sealed* field is ciphertext (SECRETS_KEY, AES-256-GCM, bound to its event's subject), never the secret itself.
  it.each(allVersions)('$name carries no secrets, only references to them or sealed copies', ({ schema }) => {
    const names = propertiesOf(schema).map((p) => p.name);
    expect(
      names.filter(
        (name) => !name.startsWith('sealed') && /password|secret(?!Id$)|token|private|apikey/i.test(name),
      ),
    ).toEqual([]);
  });

  describe(exampleEvent.name, () => {
    it('returns a fresh copy of the latest example, with overrides applied', () => {
      const first = exampleEvent('invoice.generated');
      first.lines[0].amountMinor = 1;
      expect(exampleEvent('invoice.generated').lines[0].amountMinor).toBe(1299);

      const overridden = exampleEvent('order.created', { hostname: 'db-01.example.com' });
      expect(overridden).toMatchObject({ hostname: 'db-01.example.com', setupFeeMinor: 500 });
    });
  });

  describe(eventSubject.name, () => {
    it('reads the aggregate id named by the definition', () => {
      const data = exampleEvent('payment.failed');
      expect(eventSubject('payment.failed', data)).toBe(data.paymentId);
      expect(eventSubject('saga.completed', exampleEvent('saga.completed'))).toBe(
        exampleEvent('saga.completed').sagaId,
      );
    });
  });
});
