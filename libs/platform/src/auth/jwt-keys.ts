import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A public key of the verification set, named by its RFC 7638 thumbprint: the `kid` of the tokens it signs. */
export interface VerificationKey {
  kid: string;
  pem: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };
}

const PUBLIC_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

export class KeySetError extends Error {
  override readonly name = 'KeySetError';
}

/** The kid is derived from the key itself, so no operator has to invent, copy or keep one in sync. */
function verificationKey(pem: string, key: KeyObject): VerificationKey {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeySetError(`a ${key.asymmetricKeyType ?? 'symmetric'} key, not Ed25519`);
  }
  const { x } = key.export({ format: 'jwk' }) as JsonWebKey & { x: string };
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url');
  return { kid, pem, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } };
}

/**
 * JWT_PUBLIC_KEY holds one PEM public key or several after one another: every key a token may be signed with. A key
 * is introduced into every app's set before the accounts module signs with it, and retired from the sets once the
 * last token it signed has expired.
 */
export function parseKeySet(bundle: string): VerificationKey[] {
  const pems = bundle.match(PUBLIC_PEM) ?? [];
  if (pems.length === 0) {
    throw new KeySetError('no PEM public key');
  }
  const keys = pems.map((pem, i) => {
    try {
      return verificationKey(pem, createPublicKey(pem));
    } catch (error) {
      throw new KeySetError(`key ${i + 1}: ${(error as Error).message}`);
    }
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    throw new KeySetError('the same key is listed twice');
  }
  return keys;
}

/** The kid of the signing key: the thumbprint of its public half, which must be in the set. */
export function signingKid(privatePem: string): string {
  return verificationKey('', createPublicKey(createPrivateKey(privatePem))).kid;
}

/** What is wrong with the configured keys, naming the variable; empty when they are usable. */
export function keySetRefusals(config: {
  JWT_PUBLIC_KEY: string;
  JWT_PRIVATE_KEY: string;
}): { variable: string; message: string }[] {
  let kids: string[];
  try {
    kids = parseKeySet(config.JWT_PUBLIC_KEY).map((k) => k.kid);
  } catch (error) {
    return [{ variable: 'JWT_PUBLIC_KEY', message: `JWT_PUBLIC_KEY: ${(error as Error).message}` }];
  }
  if (!config.JWT_PRIVATE_KEY) {
    return [];
  }
  try {
    const kid = signingKid(config.JWT_PRIVATE_KEY);
    return kids.includes(kid)
      ? []
      : [
          {
            variable: 'JWT_PRIVATE_KEY',
            message: `JWT_PRIVATE_KEY signs as kid ${kid}, which JWT_PUBLIC_KEY does not list: introduce its public key first`,
          },
        ];
  } catch (error) {
    return [{ variable: 'JWT_PRIVATE_KEY', message: `JWT_PRIVATE_KEY: ${(error as Error).message}` }];
  }
}
