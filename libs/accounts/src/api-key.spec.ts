import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key.js';

describe('API keys', () => {
  it('round-trips a generated key through parse and hash', () => {
    const key = generateApiKey();
    const parsed = parseApiKey(key.apiKey);
    expect(parsed).toEqual({ id: key.id, secret: key.secret });
    expect(secretMatches(key.secret, hashSecret(key.secret))).toBe(true);
  });

  it('rejects another secret and malformed keys', () => {
    const key = generateApiKey();
    expect(secretMatches(generateApiKey().secret, hashSecret(key.secret))).toBe(false);
    expect(parseApiKey('pk_abc')).toBeUndefined();
    expect(parseApiKey(`sk_${key.id}_${key.secret}`)).toBeUndefined();
    expect(parseApiKey(`pk_${key.id}_short`)).toBeUndefined();
  });
});
