import { Type, type TProperties } from 'typebox';

// Reusable field builders so every event spells ids, money and codes the same way.

export function uuid(description: string) {
  return Type.String({ format: 'uuid', description });
}

export function timestamp(description: string) {
  return Type.String({ format: 'date-time', description });
}

/** Money is an integer count of the currency's minor unit (cents), never a float. */
export function minorUnits(description: string) {
  return Type.Integer({ minimum: 0, description });
}

export function currency(description = 'ISO 4217 currency code, e.g. EUR.') {
  return Type.String({ pattern: '^[A-Z]{3}$', description });
}

export function text(description: string, maxLength = 200) {
  return Type.String({ minLength: 1, maxLength, description });
}

/** Machine-readable snake_case code (failure reasons, saga steps): stable for consumers to branch on. */
export function code(description: string) {
  return Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64, description });
}

/** Lowercase identifier such as a region, image or template name. */
export function slug(description: string) {
  return Type.String({ pattern: '^[a-z0-9][a-z0-9.-]*$', maxLength: 64, description });
}

export function hostname(description: string) {
  return Type.String({ format: 'hostname', maxLength: 253, description });
}

export function email(description: string) {
  return Type.String({ format: 'email', maxLength: 254, description });
}

export function count(description: string, minimum = 1) {
  return Type.Integer({ minimum, description });
}

export function oneOf<const V extends string[]>(values: readonly [...V], description: string) {
  return Type.Enum<V>(values, { description });
}

/** Nested objects are closed like payloads, so a misspelt nested field is rejected too. */
export function struct<P extends TProperties>(properties: P, description: string) {
  return Type.Object(properties, { additionalProperties: false, description });
}

export const BILLING_CYCLES = ['monthly', 'quarterly', 'yearly'] as const;

export function billingCycle(description = 'How often the service is billed.') {
  return oneOf(BILLING_CYCLES, description);
}
