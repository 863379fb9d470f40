import { schemaKey, type JsonSchema } from '../compatibility/json-schema.js';
import { currentSchemas } from '../compatibility/released-schemas.js';
import { EVENT_DEFINITIONS, exampleEvent } from '../event-catalog.js';
import { versionsOf } from '../events/event-definition.js';
import { EventUpcastError, EventValidator } from './event-validator.js';

const validator = new EventValidator();

const allVersions = EVENT_DEFINITIONS.flatMap((definition) =>
  versionsOf(definition).map((version) => ({
    name: `${definition.type} v${version.version}`,
    type: definition.type,
    version: version.version,
    schema: currentSchemas()[schemaKey(definition.type, version.version)],
    example: version.example,
  })),
);

/** A value no field schema in the catalog accepts for its own type. */
function wrongValueFor(field: JsonSchema): unknown {
  return field.type === 'object' ? 'not an object' : { not: 'valid' };
}

describe(EventValidator.name, () => {
  describe('examples', () => {
    it.each(allVersions)('$name example is valid', ({ type, version, example }) => {
      expect(validator.validate(type, version, example)).toEqual({ ok: true, data: example });
    });

    it.each(allVersions)('$name rejects an unknown property', ({ type, version, example }) => {
      expect(validator.validate(type, version, { ...example, surprise: 1 })).toEqual({
        ok: false,
        failure: 'invalid_payload',
        errors: ["/ has unknown property 'surprise'"],
      });
    });

    it.each(allVersions)(
      '$name rejects each missing required property',
      ({ type, version, schema, example }) => {
        for (const name of schema.required ?? []) {
          const { [name]: _removed, ...rest } = example;
          expect(validator.validate(type, version, rest)).toMatchObject({
            ok: false,
            errors: [`/ is missing required property '${name}'`],
          });
        }
      },
    );

    it.each(allVersions)(
      '$name rejects a wrongly typed value in each property',
      ({ type, version, schema, example }) => {
        for (const [name, field] of Object.entries(schema.properties ?? {})) {
          const result = validator.validate(type, version, { ...example, [name]: wrongValueFor(field) });
          expect(result.ok ? `${name} accepted a wrong value` : result.errors.join()).toContain(`/${name}`);
        }
      },
    );
  });

  it('locates nested errors by JSON pointer and explains enums', () => {
    const invoice = exampleEvent('invoice.generated');
    invoice.lines[1].quantity = 0;
    expect(validator.validateLatest('invoice.generated', invoice)).toEqual({
      ok: false,
      failure: 'invalid_payload',
      errors: ['/lines/1/quantity must be >= 1'],
    });
    expect(
      validator.validateLatest('order.created', { ...exampleEvent('order.created'), billingCycle: 'weekly' }),
    ).toMatchObject({ errors: ['/billingCycle must be one of "monthly", "quarterly", "yearly"'] });
  });

  it('checks formats: uuid, date-time, ipv4, currency codes', () => {
    const errorsOf = (data: unknown) => {
      const result = validator.validateLatest('provisioning.completed', data);
      return result.ok ? [] : result.errors;
    };
    expect(
      errorsOf({ ...exampleEvent('provisioning.completed'), serviceId: 'svc-1', ipv4: '999.1.1.1' }),
    ).toEqual(['/serviceId must match format "uuid"', '/ipv4 must match format "ipv4"']);
    const invoice = { ...exampleEvent('invoice.generated'), dueAt: 'tomorrow', currency: 'eur' };
    expect(validator.validateLatest('invoice.generated', invoice)).toMatchObject({
      errors: ['/currency must match pattern "^[A-Z]{3}$"', '/dueAt must match format "date-time"'],
    });
  });

  it('fills defaults of omitted optional fields in a copy, leaving the input alone', () => {
    const { locale: _locale, ...withoutLocale } = exampleEvent('notification.requested');
    const result = validator.validateLatest('notification.requested', withoutLocale);
    expect(result).toMatchObject({ ok: true, data: { locale: 'en' } });
    expect(withoutLocale).not.toHaveProperty('locale');
  });

  it('reports unknown types and versions distinctly from invalid payloads', () => {
    expect(validator.validate('order.teleported', 1, {})).toEqual({
      ok: false,
      failure: 'unknown_type',
      errors: ["unknown event type 'order.teleported'"],
    });
    expect(validator.validate('order.created', 3, {})).toEqual({
      ok: false,
      failure: 'unknown_version',
      errors: ["unknown version 3 of 'order.created' (known: 1, 2)"],
    });
  });

  it('rejects data that is not JSON', () => {
    expect(validator.validateLatest('order.completed', { orderId: () => 1 })).toMatchObject({
      ok: false,
      failure: 'invalid_payload',
    });
  });

  it('can strip unknown properties instead, for consumers on an older build', () => {
    const tolerant = new EventValidator({ unknownProperties: 'strip' });
    const example = exampleEvent('order.completed');
    expect(tolerant.validateLatest('order.completed', { ...example, addedLater: 'x' })).toEqual({
      ok: true,
      data: example,
    });
  });

  describe('upcast', () => {
    const { setupFeeMinor: _fee, ...v1 } = exampleEvent('order.created');

    it('lifts a previous-version payload to the latest version', () => {
      expect(validator.upcast('order.created', 1, v1)).toEqual({ ...v1, setupFeeMinor: 0 });
    });

    it('returns a latest-version payload validated', () => {
      const { locale: _locale, ...latest } = exampleEvent('notification.requested');
      expect(validator.upcast('notification.requested', 1, latest)).toEqual({ ...latest, locale: 'en' });
    });

    it('refuses payloads invalid in the version they claim', () => {
      expect(() => validator.upcast('order.created', 1, { ...v1, priceMinor: -1 })).toThrow(EventUpcastError);
      expect(() => validator.upcast('order.created', 1, { ...v1, priceMinor: -1 })).toThrow(
        'cannot upcast order.created from v1: /priceMinor must be >= 0',
      );
      expect(() => validator.upcast('order.created', 7, v1)).toThrow('unknown version 7');
    });

    it('lifts a v1 order state report naming order statuses, and refuses one naming anything else', () => {
      const report = exampleEvent('order.state_reported');
      const steps = [{ ...report.steps[0], status: 'shipped' }];
      expect(validator.upcast('order.state_reported', 1, report)).toEqual(report);
      expect(validator.validate('order.state_reported', 1, { ...report, steps }).ok).toBe(true);
      expect(() => validator.upcast('order.state_reported', 1, { ...report, status: 'shipped' })).toThrow(
        'cannot upcast order.state_reported from v1: /status must be one of "pending", "awaiting_payment"',
      );
      expect(() => validator.upcast('order.state_reported', 1, { ...report, steps })).toThrow(
        'cannot upcast order.state_reported from v1: /steps/0/status must be one of "pending"',
      );
    });
  });
});
