/**
 * How an operator's search terms become conditions the log's indexes serve (migration AuditSearch): an id becomes
 * membership of audit.payload_ids(payload), a field path and a value become JSON containment.
 */

/** The shape of every id on the platform; the only strings audit.payload_ids() keeps. */
export const PAYLOAD_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Dotted field names from the payload's top, e.g. `variables.orderId`: identifiers only, at most eight deep. */
export const PAYLOAD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,7}$/;

/** The form audit.payload_ids() stores an id in. */
export const payloadId = (id: string): string => id.toLowerCase();

/**
 * The payloads matching `path` = `value` are those containing one of these JSON documents. A query string carries
 * text only, so a value that reads as a JSON number, boolean or null matches that scalar too: `amountMinor=1546`
 * finds 1546 as well as "1546". The path crosses objects only, not arrays.
 */
export function containments(path: string, value: string): string[] {
  if (!PAYLOAD_PATH.test(path)) {
    throw new RangeError(`not a payload path: ${path}`);
  }
  const nest = (leaf: unknown): string =>
    JSON.stringify(path.split('.').reduceRight<unknown>((inner, field) => ({ [field]: inner }), leaf));
  const scalar = asJsonScalar(value);
  return scalar === undefined ? [nest(value)] : [nest(value), nest(scalar)];
}

function asJsonScalar(text: string): number | boolean | null | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return (typeof parsed === 'number' && Number.isFinite(parsed)) ||
      typeof parsed === 'boolean' ||
      parsed === null
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
