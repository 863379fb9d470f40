import { isDeepStrictEqual } from 'node:util';
import { eventTypeOf, type JsonSchema, type SchemaSet } from './json-schema.js';

// A released version is read by consumers built against it, possibly long after it was published, so within
// a version the only allowed change is one those consumers cannot notice: a new optional field whose
// default fills it in when an old payload is read. Anything else needs a new major version with an upcaster.

const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'deprecated']);
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains'];
const HANDLED = new Set([
  ...ANNOTATIONS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
]);
/** Keywords whose object value maps names (not keywords) to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/**
 * Every way `current` breaks a `released` schema, one readable line each; empty when compatible. A released schema
 * may be missing from `current` only if its event type is `retired` (RETIRED_EVENT_TYPES).
 */
export function checkCompatibility(
  released: SchemaSet,
  current: SchemaSet,
  retired: ReadonlySet<string> = new Set(),
): string[] {
  const violations: string[] = [];
  for (const [key, schema] of Object.entries(released)) {
    const next = current[key] as JsonSchema | undefined;
    if (next === undefined && retired.has(eventTypeOf(key))) {
      continue;
    }
    if (next === undefined) {
      violations.push(`${key}: released schema no longer exists; released versions must stay in the catalog`);
      continue;
    }
    compare(schema, next, (problem, path) => violations.push(`${key} at ${path}: ${problem}`), '(root)');
  }
  return violations;
}

type Report = (problem: string, path: string) => void;

function compare(before: JsonSchema, after: JsonSchema, report: Report, path: string): void {
  compareProperties(before, after, report, path);
  compareEnum(before, after, report, path);
  compareBounds(before, after, report, path);
  if (before.additionalProperties !== false && after.additionalProperties === false) {
    report('additionalProperties became false', path);
  } else if (
    isSchema(before.additionalProperties) &&
    !isDeepStrictEqual(
      withoutAnnotations(before.additionalProperties),
      withoutAnnotations(after.additionalProperties),
    )
  ) {
    report('additionalProperties schema changed', path);
  }
  if (isSchema(before.items) && isSchema(after.items)) {
    compare(before.items, after.items, report, `${path}[]`);
  } else if (!isDeepStrictEqual(before.items, after.items)) {
    report(`'items' changed from ${show(before.items)} to ${show(after.items)}`, path);
  }
  // Keywords without a compatible direction of change (type, format, pattern, const, default, anyOf…) must not move.
  for (const keyword of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (HANDLED.has(keyword)) {
      continue;
    }
    if (!isDeepStrictEqual(withoutAnnotations(before[keyword]), withoutAnnotations(after[keyword]))) {
      report(`'${keyword}' changed from ${show(before[keyword])} to ${show(after[keyword])}`, path);
    }
  }
}

function compareProperties(before: JsonSchema, after: JsonSchema, report: Report, path: string): void {
  const wasRequired = new Set(before.required);
  const isRequired = new Set(after.required);
  const beforeProperties = before.properties ?? {};
  const afterProperties = after.properties ?? {};
  const at = (name: string) => (path === '(root)' ? name : `${path}.${name}`);
  for (const [name, schema] of Object.entries(beforeProperties)) {
    const next = afterProperties[name] as JsonSchema | undefined;
    if (next === undefined) {
      report('property was removed or renamed', at(name));
      continue;
    }
    if (!wasRequired.has(name) && isRequired.has(name)) {
      report('optional property became required', at(name));
    }
    if (wasRequired.has(name) && !isRequired.has(name)) {
      report('required property became optional', at(name));
    }
    compare(schema, next, report, at(name));
  }
  for (const [name, schema] of Object.entries(afterProperties)) {
    if (name in beforeProperties) {
      continue;
    }
    if (isRequired.has(name)) {
      report('required property was added', at(name));
    } else if (!('default' in schema)) {
      report('optional property was added without a default', at(name));
    }
  }
}

function compareEnum(before: JsonSchema, after: JsonSchema, report: Report, path: string): void {
  if (after.enum === undefined) {
    return;
  }
  if (before.enum === undefined) {
    report(`enum ${show(after.enum)} was added`, path);
    return;
  }
  const removed = before.enum.filter((value) => !after.enum?.some((kept) => isDeepStrictEqual(kept, value)));
  if (removed.length > 0) {
    report(`enum values ${show(removed)} were removed`, path);
  }
}

function compareBounds(before: JsonSchema, after: JsonSchema, report: Report, path: string): void {
  for (const [keywords, narrows] of [
    [LOWER_BOUNDS, (was: number, is: number) => is > was],
    [UPPER_BOUNDS, (was: number, is: number) => is < was],
  ] as const) {
    for (const keyword of keywords) {
      const was = before[keyword];
      const is = after[keyword];
      if (typeof is !== 'number') {
        continue;
      }
      if (typeof was !== 'number') {
        report(`'${keyword}' ${is} was added`, path);
      } else if (narrows(was, is)) {
        report(`'${keyword}' narrowed from ${was} to ${is}`, path);
      }
    }
  }
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutAnnotations);
  }
  if (!isSchema(value)) {
    return value;
  }
  const kept = Object.entries(value).filter(([keyword]) => !ANNOTATIONS.has(keyword));
  return Object.fromEntries(
    kept.map(([keyword, nested]) => [
      keyword,
      SCHEMA_MAPS.has(keyword) && isSchema(nested)
        ? Object.fromEntries(
            Object.entries(nested).map(([name, schema]) => [name, withoutAnnotations(schema)]),
          )
        : withoutAnnotations(nested),
    ]),
  );
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
