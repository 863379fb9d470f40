import { EVENT_TYPES, EventValidator, RETIRED_EVENTS, eventDefinition } from '@app/contracts';
import { schemaCatalog, schemaSummary, schemaVersions } from './schema-browser.js';

describe('schema browser', () => {
  const validator = new EventValidator();
  const check = validator.validate.bind(validator);

  it('lists every catalog type in the catalog’s order, and the retired types apart', () => {
    const catalog = schemaCatalog('t.env.');
    expect(catalog.events.map((e) => e.type)).toEqual(EVENT_TYPES);
    expect(catalog.retired).toEqual(RETIRED_EVENTS.map(({ type, reason }) => ({ type, reason })));
    expect(catalog.events.some((e) => catalog.retired.some((r) => r.type === e.type))).toBe(false);
  });

  it('describes a type with its versions, producers, consumers and this environment’s topics', () => {
    expect(schemaSummary('order.created', 't.env.')).toEqual({
      type: 'order.created',
      description: eventDefinition('order.created').description,
      subject: 'orderId',
      latestVersion: 2,
      versions: [1, 2],
      producer: 'orders',
      otherProducers: [],
      consumers: ['billing', 'notifications', 'saga'],
      logOnly: null,
      topic: 't.env.order.created',
      dlqTopic: 't.env.order.created.dlq',
    });
    expect(schemaSummary('notification.requested', '')).toMatchObject({
      producer: 'saga',
      otherProducers: ['billing'],
      topic: 'notification.requested',
    });
    expect(schemaSummary('saga.started', '')).toMatchObject({
      consumers: [],
      logOnly: eventDefinition('saga.started').logOnly,
    });
  });

  it.each(EVENT_TYPES)(
    '%s: each version’s example validates against the JSON Schema served for it',
    (type) => {
      const versions = schemaVersions(type, check);
      expect(versions.map((v) => v.version)).toEqual(schemaSummary(type, '').versions);
      for (const version of versions) {
        expect(version.jsonSchema).toMatchObject({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $id: `urn:platforma:event:${type}:v${version.version}`,
          additionalProperties: false,
        });
        expect(validator.validate(type, version.version, version.example)).toMatchObject({ ok: true });
      }
    },
  );

  it('shows what each upcaster makes of the previous version’s example, valid in its own version', () => {
    const [v1, v2] = schemaVersions('order.created', check);
    expect(v1).toMatchObject({ changes: null, upcastFromPrevious: null });
    expect(v2?.changes).toMatch(/setupFeeMinor/);
    expect(v2?.upcastFromPrevious).toEqual({ ...(v1?.example as object), setupFeeMinor: 0 });
    for (const type of EVENT_TYPES) {
      for (const version of schemaVersions(type, check).slice(1)) {
        expect(validator.validate(type, version.version, version.upcastFromPrevious).ok).toBe(true);
      }
    }
  });

  it('reports an upcast its version’s schema rejects instead of passing it off as valid', () => {
    const [, v2] = schemaVersions('order.created', () => ({ ok: false, errors: ['/x is wrong'] }));
    expect(v2?.upcastFromPrevious).toEqual({ invalid: ['/x is wrong'] });
  });
});
