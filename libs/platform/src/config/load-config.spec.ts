import { generateKeyPairSync } from 'node:crypto';
import { AppConfig } from './app.config.js';
import { ConfigError, loadConfig } from './load-config.js';

const JWT_PUBLIC_KEY = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

describe(loadConfig.name, () => {
  it('gives working local defaults for an empty environment', () => {
    const config = loadConfig({ JWT_PUBLIC_KEY });
    expect(config).toBeInstanceOf(AppConfig);
    expect(config.PORT).toBe(3000);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/platforma');
  });

  it('converts types', () => {
    const config = loadConfig({
      JWT_PUBLIC_KEY,
      PORT: '8080',
      DATABASE_LOGGING: 'true',
      KAFKA_BROKERS: 'a:1,b:2',
    });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_LOGGING).toBe(true);
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2']);
  });

  it('names every bad variable', () => {
    const bad = { JWT_PUBLIC_KEY, PORT: '70000', NODE_ENV: 'staging', OTEL_DATABASE_SPANS: 'yes' };
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    try {
      loadConfig(bad);
    } catch (error) {
      expect((error as ConfigError).variables.sort()).toEqual(['NODE_ENV', 'OTEL_DATABASE_SPANS', 'PORT']);
      expect((error as Error).message).toContain('PORT="70000"');
    }
  });

  it('reads "false" and "0" as false, not as a set variable', () => {
    const read = (raw: string) => {
      const config = loadConfig({ JWT_PUBLIC_KEY, WEBHOOK_ALLOW_INSECURE_URLS: raw, DATABASE_LOGGING: raw });
      return [config.WEBHOOK_ALLOW_INSECURE_URLS, config.DATABASE_LOGGING];
    };
    expect(['false', '0', 'true', '1'].map(read)).toEqual([
      [false, false],
      [false, false],
      [true, true],
      [true, true],
    ]);
    expect(() => loadConfig({ JWT_PUBLIC_KEY, DATABASE_LOGGING: 'yes' })).toThrow(/DATABASE_LOGGING/);
  });

  it('takes webhook DNS servers as addresses with optional ports, naming the variable otherwise', () => {
    const servers = loadConfig({
      JWT_PUBLIC_KEY,
      WEBHOOK_DNS_SERVERS: '10.0.0.2, 127.0.0.1:5353,[::1]:53,fd00::53',
    });
    expect(servers.webhookDnsServers).toEqual(['10.0.0.2', '127.0.0.1:5353', '[::1]:53', 'fd00::53']);
    expect(loadConfig({ JWT_PUBLIC_KEY }).webhookDnsServers).toEqual([]);
    for (const bad of ['resolver.internal', '10.0.0.2:0', '10.0.0.300', '[::1]:70000', '10.0.0.2,']) {
      expect(() => loadConfig({ JWT_PUBLIC_KEY, WEBHOOK_DNS_SERVERS: bad })).toThrow(/WEBHOOK_DNS_SERVERS=/);
    }
  });

  it('takes CORS origins as a comma-separated list of origins, off when unset', () => {
    expect(loadConfig({ JWT_PUBLIC_KEY }).corsOrigins).toEqual([]);
    const config = loadConfig({
      JWT_PUBLIC_KEY,
      CORS_ORIGINS: 'https://shop.example.com, http://127.0.0.1:8081',
    });
    expect(config.corsOrigins).toEqual(['https://shop.example.com', 'http://127.0.0.1:8081']);
    for (const bad of [
      '*',
      'shop.example.com',
      'https://shop.example.com/',
      'https://a.example/portal',
      'https://a,',
    ]) {
      expect(() => loadConfig({ JWT_PUBLIC_KEY, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS=/);
    }
  });

  it('links mails to the portal the monolith serves unless told otherwise', () => {
    expect(loadConfig({ JWT_PUBLIC_KEY }).STOREFRONT_URL).toBe('http://127.0.0.1:3000/portal');
  });

  it('never prints a secret value', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY, DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(
      /DATABASE_URL=<secret>/,
    );
    expect(() => loadConfig({ JWT_PUBLIC_KEY, DATABASE_URL: 'mysql://user:hunter2@db/x' })).not.toThrow(
      /hunter2/,
    );
  });

  it('needs the token verification key and accepts it with escaped newlines', () => {
    expect(() => loadConfig({})).toThrow(/JWT_PUBLIC_KEY/);
    const escaped = JWT_PUBLIC_KEY.replace(/\n/g, '\\n');
    expect(loadConfig({ JWT_PUBLIC_KEY: escaped }).JWT_PUBLIC_KEY).toBe(JWT_PUBLIC_KEY);
  });
});
