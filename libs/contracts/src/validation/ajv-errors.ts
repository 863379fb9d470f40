import type { DefinedError, ErrorObject } from 'ajv';

/** Turns Ajv errors into one sentence each, located by JSON pointer, for logs and DLQ headers. */
export function describeAjvErrors(errors: readonly ErrorObject[]): string[] {
  return (errors as readonly DefinedError[]).map(describe);
}

function describe(error: DefinedError): string {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  if (error.keyword === 'required') {
    return `${at} is missing required property '${error.params.missingProperty}'`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${at} has unknown property '${error.params.additionalProperty}'`;
  }
  if (error.keyword === 'enum') {
    return `${at} must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${at} ${error.message ?? `fails ${error.keyword}`}`;
}
