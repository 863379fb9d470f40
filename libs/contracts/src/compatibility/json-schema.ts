/** The subset of JSON Schema the compatibility check and the docs generator read; other keywords pass through. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly default?: unknown;
  readonly description?: string;
  readonly [keyword: string]: unknown;
}

/** Schemas keyed by `<type>.v<version>`, the snapshot file name without `.json`. */
export type SchemaSet = Readonly<Record<string, JsonSchema>>;

export function schemaKey(type: string, version: number): string {
  return `${type}.v${version}`;
}

/** The event type of a `<type>.v<version>` key. */
export function eventTypeOf(key: string): string {
  return key.replace(/\.v\d+$/, '');
}
