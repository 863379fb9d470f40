import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DEFINITIONS } from '../event-catalog.js';
import { versionsOf } from '../events/event-definition.js';
import { RETIRED_EVENT_TYPES } from '../events/retired-events.js';
import { EventValidator } from '../validation/event-validator.js';
import { checkCompatibility } from './compatibility.js';
import type { JsonSchema } from './json-schema.js';
import {
  RELEASED_SCHEMAS_DIR,
  currentSchemas,
  readReleasedSchemas,
  serializeSchema,
} from './released-schemas.js';

/** A schema opened up for in-memory edits; the fields the edits below touch are typed. */
interface Editable {
  properties: Record<string, Editable>;
  required: string[];
  enum: unknown[];
  items: Editable;
  [keyword: string]: unknown;
}

type Edit = (schema: Editable) => void;

function editable(schema: JsonSchema | Record<string, unknown>): Editable {
  return structuredClone(schema) as Editable;
}

const SNAPSHOT_COMMAND =
  'node --import ./libs/contracts/src/cli/resolve-ts.mjs libs/contracts/src/cli/snapshot.cli.ts';

describe(checkCompatibility.name, () => {
  const released = readReleasedSchemas();
  const current = currentSchemas();

  describe('the catalog against the committed snapshot', () => {
    it('breaks no released schema', () => {
      expect(checkCompatibility(released, current, RETIRED_EVENT_TYPES)).toEqual([]);
    });

    it(`has every version snapshotted as it is now (run: ${SNAPSHOT_COMMAND})`, () => {
      const stale = Object.entries(current)
        .filter(([key, schema]) => {
          const file = join(RELEASED_SCHEMAS_DIR, `${key}.json`);
          return key in released ? readFileSync(file, 'utf8') !== serializeSchema(schema) : true;
        })
        .map(([key]) => key);
      expect(stale).toEqual([]);
    });
  });

  describe('breaking edits to a released schema', () => {
    const key = 'order.created.v1';
    const base = released[key];

    /** Applies `edit` to a copy of the released schema and returns the violations it causes. */
    function violationsAfter(edit: Edit, releasedEdit?: Edit): string[] {
      const before = editable(base);
      releasedEdit?.(before);
      const after = editable(base);
      edit(after);
      return checkCompatibility({ [key]: before }, { ...current, [key]: after });
    }

    it.each<[string, Edit, string]>([
      [
        'removing a property',
        (s) => delete s.properties.region,
        'at region: property was removed or renamed',
      ],
      [
        'renaming a property',
        (s) => {
          s.properties.zone = s.properties.region;
          delete s.properties.region;
          s.required = s.required.map((name) => (name === 'region' ? 'zone' : name));
        },
        'at region: property was removed or renamed',
      ],
      [
        'changing a type',
        (s) => (s.properties.priceMinor.type = 'number'),
        `at priceMinor: 'type' changed from "integer" to "number"`,
      ],
      [
        'changing a format',
        (s) => (s.properties.planId.format = 'uri'),
        `at planId: 'format' changed from "uuid" to "uri"`,
      ],
      [
        'dropping a format',
        (s) => delete s.properties.planId.format,
        `at planId: 'format' changed from "uuid" to nothing`,
      ],
      [
        'changing a pattern',
        (s) => (s.properties.currency.pattern = '^[A-Z]{4}$'),
        `at currency: 'pattern' changed`,
      ],
      [
        'narrowing an enum',
        (s) => s.properties.billingCycle.enum.pop(),
        'at billingCycle: enum values ["yearly"] were removed',
      ],
      [
        'raising a minimum',
        (s) => (s.properties.priceMinor.minimum = 1),
        `at priceMinor: 'minimum' narrowed from 0 to 1`,
      ],
      [
        'lowering a maxLength',
        (s) => (s.properties.region.maxLength = 10),
        `at region: 'maxLength' narrowed from 64 to 10`,
      ],
      [
        'adding a required property',
        (s) => {
          s.properties.coupon = editable({ type: 'string' });
          s.required.push('coupon');
        },
        'at coupon: required property was added',
      ],
      [
        'adding an optional property without default',
        (s) => (s.properties.coupon = editable({ type: 'string' })),
        'at coupon: optional property was added without a default',
      ],
      [
        'changing a default',
        (s) => (s.properties.billingCycle.default = 'yearly'),
        `at billingCycle: 'default' changed from nothing to "yearly"`,
      ],
    ])('reports %s', (_name, edit, expected) => {
      const violations = violationsAfter(edit);
      expect(violations).toEqual(expect.arrayContaining([expect.stringContaining(`${key} ${expected}`)]));
    });

    it('reports making an optional property required', () => {
      const optionalRegion: Edit = (s) => (s.required = s.required.filter((n) => n !== 'region'));
      expect(violationsAfter(() => undefined, optionalRegion)).toEqual([
        `${key} at region: optional property became required`,
      ]);
      expect(violationsAfter(optionalRegion)).toEqual([
        `${key} at region: required property became optional`,
      ]);
    });

    it('reports closing an object that allowed unknown properties', () => {
      expect(
        violationsAfter(
          () => undefined,
          (s) => (s.additionalProperties = true),
        ),
      ).toEqual([`${key} at (root): additionalProperties became false`]);
    });

    it('reports breaking edits inside nested objects and arrays', () => {
      const invoice = released['invoice.generated.v1'];
      const after = editable(invoice);
      after.properties.lines.items.properties.quantity.type = 'number';
      after.properties.lines.items.properties.sku = editable({ type: 'string' });
      expect(
        checkCompatibility({ 'invoice.generated.v1': invoice }, { 'invoice.generated.v1': after }),
      ).toEqual([
        `invoice.generated.v1 at lines[].quantity: 'type' changed from "integer" to "number"`,
        'invoice.generated.v1 at lines[].sku: optional property was added without a default',
      ]);
    });

    it('reports a released version missing from the catalog', () => {
      const { [key]: _gone, ...withoutV1 } = current;
      expect(checkCompatibility(released, withoutV1, RETIRED_EVENT_TYPES)).toEqual([
        `${key}: released schema no longer exists; released versions must stay in the catalog`,
      ]);
    });

    it('excuses a missing released schema only for a retired event type', () => {
      const { [key]: _gone, ...withoutV1 } = current;
      const retiredToo = (...types: string[]) => new Set([...RETIRED_EVENT_TYPES, ...types]);
      expect(checkCompatibility(released, withoutV1, retiredToo('order.created'))).toEqual([]);
      expect(checkCompatibility(released, withoutV1, retiredToo('order.cancelled', 'order.create'))).toEqual([
        `${key}: released schema no longer exists; released versions must stay in the catalog`,
      ]);
      expect(checkCompatibility(released, current)).toEqual(
        [...RETIRED_EVENT_TYPES].map(
          (type) =>
            `${type}.v1: released schema no longer exists; released versions must stay in the catalog`,
        ),
      );
    });
  });

  describe('compatible edits', () => {
    it('allows a new optional property with a default, at the top level or nested', () => {
      const invoice = released['invoice.generated.v1'];
      const after = editable(invoice);
      after.properties.purchaseOrder = editable({ type: 'string', default: '' });
      after.properties.lines.items.properties.sku = editable({ type: 'string', default: 'none' });
      expect(checkCompatibility({ k: invoice }, { k: after })).toEqual([]);
    });

    it('allows rewording descriptions, widening an enum and relaxing bounds', () => {
      const order = released['order.created.v1'];
      const after = editable(order);
      after.description = 'Reworded.';
      after.properties.region.description = 'Reworded.';
      after.properties.billingCycle.enum.push('weekly');
      after.properties.region.maxLength = 128;
      expect(checkCompatibility({ k: order }, { k: after })).toEqual([]);
    });
  });
});

describe('upcasters', () => {
  const validator = new EventValidator();
  const steps = EVENT_DEFINITIONS.flatMap((definition) =>
    versionsOf(definition)
      .slice(1)
      .map((version) => ({
        name: `${definition.type} v${version.version - 1} → v${version.version}`,
        type: definition.type,
        version,
        previous: definition.versions[version.version - 1],
      })),
  );

  it('exist for at least one event, so versioning is exercised', () => {
    expect(steps.length).toBeGreaterThan(0);
  });

  it.each(steps)(
    '$name turns a valid previous example into a valid payload',
    ({ type, version, previous }) => {
      expect(version.upcast).toEqual(expect.any(Function));
      const lifted = version.upcast?.(structuredClone(previous?.example));
      expect(validator.validate(type, version.version, lifted)).toMatchObject({ ok: true });
    },
  );

  it('are absent on first versions, which have nothing to upcast from', () => {
    for (const definition of EVENT_DEFINITIONS) {
      expect(definition.versions[1]?.upcast).toBeUndefined();
    }
  });
});
