import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AppConfig } from './app.config.js';
import { ConfigError, loadConfig } from './load-config.js';
import { allowStandIn, refuseDevMailCatcher } from './production-guard.js';

const JWT_PUBLIC_KEY = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
const GOOD = {
  PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('hex'),
  SECRETS_KEY: randomBytes(32).toString('base64'),
  METRICS_TOKEN: randomBytes(32).toString('hex'),
};
const production = (env: Record<string, string | undefined> = {}) =>
  loadConfig({ JWT_PUBLIC_KEY, NODE_ENV: 'production', ...GOOD, ...env });

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    production(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

const defaults = new AppConfig();
const BAD_VALUES = (variable: keyof typeof GOOD): [string, string | undefined][] => [
  ['unset', undefined],
  ['empty', ''],
  ['the development default', String(defaults[variable])],
  ["the manifests' placeholder", 'REPLACE_ME'],
  // SECRETS_KEY has one length, checked by its format already.
  ...(variable === 'SECRETS_KEY' ? [] : ([['too short', 'x'.repeat(20)]] as [string, string][])),
];

describe('production guard', () => {
  it('boots production with its own secrets', () => {
    expect(production().NODE_ENV).toBe('production');
  });

  const cases = (Object.keys(GOOD) as (keyof typeof GOOD)[]).flatMap((variable) =>
    BAD_VALUES(variable).map(([what, value]) => [variable, what, value] as const),
  );

  it.each(cases)('refuses %s when %s, naming it and not printing the value', (variable, _what, value) => {
    const error = refusal({ [variable]: value });
    expect(error.variables).toEqual([variable]);
    expect(error.message).toContain(variable);
    if (value) {
      expect(error.message).not.toContain(value);
    }
  });

  it('refuses customer webhooks to insecure URLs in production', () => {
    expect(refusal({ WEBHOOK_ALLOW_INSECURE_URLS: 'true' }).variables).toEqual([
      'WEBHOOK_ALLOW_INSECURE_URLS',
    ]);
  });

  it('refuses to serve caught development mail in production', () => {
    expect(refusal({ DEV_MAIL_DIR: '/srv/mail' }).variables).toEqual(['DEV_MAIL_DIR']);
  });

  it.each([
    ['unset', undefined],
    ['the catcher', 'smtp://127.0.0.1:1025'],
    ['the catcher by name, with credentials', 'smtp://u:p@localhost:1025/'],
  ])('refuses the development mail catcher as the mail server when SMTP_URL is %s', (_what, url) => {
    const config = production({ SMTP_URL: url });
    expect(() => refuseDevMailCatcher(config)).toThrow(/SMTP_URL is unset or the development mail catcher/);
    expect(() => refuseDevMailCatcher(loadConfig({ JWT_PUBLIC_KEY, SMTP_URL: url }))).not.toThrow();
  });

  it('sends production mail through a real server, on port 1025 too when it is not this host', () => {
    for (const url of ['smtps://platforma:x@mail.example.com:465', 'smtp://relay.internal:1025']) {
      expect(() => refuseDevMailCatcher(production({ SMTP_URL: url }))).not.toThrow();
    }
  });

  it('names every refused variable at once', () => {
    const error = refusal({
      PAYMENT_WEBHOOK_SECRET: '',
      SECRETS_KEY: '',
      METRICS_TOKEN: '',
      WEBHOOK_ALLOW_INSECURE_URLS: 'true',
    });
    expect(error.variables.sort()).toEqual([
      'METRICS_TOKEN',
      'PAYMENT_WEBHOOK_SECRET',
      'SECRETS_KEY',
      'WEBHOOK_ALLOW_INSECURE_URLS',
    ]);
  });

  it('leaves development and tests their defaults', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(loadConfig({ JWT_PUBLIC_KEY, NODE_ENV, WEBHOOK_ALLOW_INSECURE_URLS: 'true' }).NODE_ENV).toBe(
        NODE_ENV,
      );
    }
  });

  it('binds a stand-in in production only when allowed by name', () => {
    for (const variable of ['ALLOW_TEST_PAYMENTS', 'ALLOW_SIMULATED_PROVISIONING'] as const) {
      expect(() => allowStandIn(production(), variable, 'a stand-in')).toThrow(variable);
      expect(() => allowStandIn(production({ [variable]: 'true' }), variable, 'a stand-in')).not.toThrow();
      expect(() => allowStandIn(loadConfig({ JWT_PUBLIC_KEY }), variable, 'a stand-in')).not.toThrow();
    }
  });
});
