import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { SecretSealer } from './secret.sealer.js';

const key = (): string => randomBytes(32).toString('base64');

describe(SecretSealer.name, () => {
  const plaintext = JSON.stringify({ username: 'root', password: 'k7-Qz.9pW@x2+Lm%Rt4v' });

  it('opens what it sealed, and the sealed bytes do not contain the plaintext', () => {
    const sealer = new SecretSealer(key());
    const sealed = sealer.seal(plaintext, 'secret-1:service-1');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    const stored = Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]);
    expect(stored.includes(Buffer.from('k7-Qz.9pW@x2+Lm%Rt4v'))).toBe(false);
    expect(sealer.open(sealed, 'secret-1:service-1')).toBe(plaintext);
  });

  it('uses a fresh IV each time, so equal plaintexts seal differently', () => {
    const sealer = new SecretSealer(key());
    const a = sealer.seal(plaintext, 'ctx');
    const b = sealer.seal(plaintext, 'ctx');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('refuses to open with a wrong key', () => {
    const sealed = new SecretSealer(key()).seal(plaintext, 'ctx');
    expect(() => new SecretSealer(key()).open(sealed, 'ctx')).toThrow();
  });

  it('refuses to open under another context or after tampering', () => {
    const sealer = new SecretSealer(key());
    const sealed = sealer.seal(plaintext, 'secret-1:service-1');
    expect(() => sealer.open(sealed, 'secret-1:service-2')).toThrow();
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => sealer.open({ ...sealed, ciphertext: flipped }, 'secret-1:service-1')).toThrow();
  });

  it('round-trips a secret as text, bound to its context', () => {
    const sealer = new SecretSealer(key());
    const text = sealer.sealToText('one-time-token', 'sign-up:1');
    expect(text).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(text).not.toContain('one-time-token');
    expect(sealer.openText(text, 'sign-up:1')).toBe('one-time-token');
    expect(() => sealer.openText(text, 'sign-up:2')).toThrow();
    expect(() => sealer.openText('abc', 'sign-up:1')).toThrow(/not a sealed secret/);
  });

  it('wants exactly 32 bytes of key and never shows them', () => {
    expect(() => new SecretSealer(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    const base64 = key();
    const sealer = new SecretSealer(base64);
    // How util.inspect would print the key if it were held as a Buffer: "<Buffer 3a 4f …>".
    const hex = [...Buffer.from(base64, 'base64').subarray(0, 6)]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join(' ');
    const shown = inspect(sealer, { depth: 5, showHidden: true }) + JSON.stringify(sealer);
    expect(shown).not.toContain(base64);
    expect(shown).not.toContain(hex);
  });
});
