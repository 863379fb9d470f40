import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const FORMAT = /^pk_([A-Za-z0-9]+)_([A-Za-z0-9_-]{32,})$/;

export interface ParsedApiKey {
  id: string;
  secret: string;
}

/** `pk_<id>_<secret>`: the id finds the row, the secret is compared by hash. */
export function parseApiKey(apiKey: string): ParsedApiKey | undefined {
  const match = FORMAT.exec(apiKey);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
}

export function generateApiKey(): ParsedApiKey & { apiKey: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, apiKey: `pk_${id}_${secret}` };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
