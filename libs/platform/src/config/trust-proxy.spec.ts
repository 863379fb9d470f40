import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from './load-config.js';
import { parseTrustProxy } from './trust-proxy.js';

const JWT_PUBLIC_KEY = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

describe(parseTrustProxy.name, () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.0.0.5, 172.16.0.0/12,fd00::/8', ['10.0.0.5', '172.16.0.0/12', 'fd00::/8']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
    ['::1/128', ['::1/128']],
  ])('accepts %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it.each([
    'true',
    'all',
    '-1',
    '100',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/8/1',
    'gateway',
    '10.0.0.0/8,',
    '1.2.3',
  ])('refuses %j', (value) => {
    expect(parseTrustProxy(value)).toBeUndefined();
  });

  it('is validated at boot, naming the variable', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY="true"/);
    expect(loadConfig({ JWT_PUBLIC_KEY }).trustProxy).toBe(0);
    expect(loadConfig({ JWT_PUBLIC_KEY, TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });
});
