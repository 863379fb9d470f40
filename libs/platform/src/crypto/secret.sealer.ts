import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
// 96-bit random IVs, as GCM is specified for; a fresh one per secret.
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with SECRETS_KEY. The caller's context (e.g. secret id + service id) is bound in as associated
 * data, so a sealed row copied onto another service does not open. Opening with the wrong key, a changed
 * ciphertext or another context throws.
 */
export class SecretSealer {
  // A KeyObject, not a Buffer: logging or inspecting the sealer never prints the key bytes.
  private readonly key: KeyObject;

  constructor(base64Key: string) {
    const bytes = Buffer.from(base64Key, 'base64');
    if (bytes.length !== 32) {
      throw new Error('SECRETS_KEY must be 32 bytes in base64');
    }
    this.key = createSecretKey(bytes);
    bytes.fill(0);
  }

  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { iv, tag: cipher.getAuthTag(), ciphertext };
  }

  open(sealed: Sealed, context: string): string {
    const decipher = createDecipheriv(ALGORITHM, this.key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  }

  /** `iv.tag.ciphertext` in base64url: a sealed secret that fits an event field or a JSON value. */
  sealToText(plaintext: string, context: string): string {
    const { iv, tag, ciphertext } = this.seal(plaintext, context);
    return [iv, tag, ciphertext].map((part) => part.toString('base64url')).join('.');
  }

  openText(sealed: string, context: string): string {
    const [iv, tag, ciphertext, ...rest] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !ciphertext || rest.length > 0) {
      throw new Error('not a sealed secret');
    }
    return this.open({ iv, tag, ciphertext }, context);
  }
}
