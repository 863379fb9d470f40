import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_RECORD_BYTES, kafkaClientConfig } from '@app/messaging';
import { ConfigError, loadConfig } from './load-config.js';

const JWT_PUBLIC_KEY = generateKeyPairSync('ed25519')
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
const CA = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';

function caFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kafka-ca-')), 'ca.crt');
  writeFileSync(path, CA);
  return path;
}

const clientOf = (env: Record<string, string>) =>
  kafkaClientConfig(loadConfig({ JWT_PUBLIC_KEY, ...env }).messaging, 'orders');

describe('Kafka client configuration from the environment', () => {
  it('connects in plain text without authentication by default (development)', () => {
    const client = clientOf({});
    expect(client).toMatchObject({ clientId: 'platforma.orders', brokers: ['127.0.0.1:9092'] });
    expect(client.ssl).toBeUndefined();
    expect(client.sasl).toBeUndefined();
    expect(loadConfig({ JWT_PUBLIC_KEY }).messaging.maxRecordBytes).toBe(DEFAULT_MAX_RECORD_BYTES);
  });

  it('maps SASL_SSL with SCRAM-SHA-512 and a CA file onto the kafkajs options', () => {
    const ca = caFile();
    const client = clientOf({
      KAFKA_BROKERS: 'kafka-0.kafka:9094,kafka-1.kafka:9094',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'platforma-orders',
      KAFKA_SASL_PASSWORD: 's3cr3t-scram-password',
      KAFKA_MAX_RECORD_BYTES: '262144',
    });
    expect(client.brokers).toEqual(['kafka-0.kafka:9094', 'kafka-1.kafka:9094']);
    expect(client.ssl).toEqual({ rejectUnauthorized: true, ca: [CA] });
    expect(client.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'platforma-orders',
      password: 's3cr3t-scram-password',
    });
    expect(loadConfig({ JWT_PUBLIC_KEY, KAFKA_MAX_RECORD_BYTES: '262144' }).messaging.maxRecordBytes).toBe(
      262_144,
    );
  });

  it('verifies the brokers against the system roots when TLS has no CA file', () => {
    expect(clientOf({ KAFKA_SSL: 'true' }).ssl).toEqual({ rejectUnauthorized: true });
    // A CA file alone means TLS too: certificates are never trusted without verification.
    expect(clientOf({ KAFKA_SSL_CA_FILE: caFile() }).ssl).toEqual({ rejectUnauthorized: true, ca: [CA] });
  });

  it.each(['plain', 'scram-sha-256'] as const)('passes the %s mechanism through', (mechanism) => {
    const client = clientOf({
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(client.sasl).toEqual({ mechanism, username: 'u', password: 'p' });
  });

  it('refuses a mechanism without its user, naming the variables and never printing the password', () => {
    try {
      loadConfig({ JWT_PUBLIC_KEY, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variables.sort()).toEqual(['KAFKA_SASL_PASSWORD', 'KAFKA_SASL_USERNAME']);
    }
    try {
      loadConfig({
        JWT_PUBLIC_KEY,
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'hunter2-secret',
      });
      throw new Error('accepted');
    } catch (error) {
      expect((error as ConfigError).variables).toEqual(['KAFKA_SASL_MECHANISM']);
      expect((error as Error).message).not.toContain('hunter2-secret');
    }
  });

  it('refuses a relative CA path and a record limit out of range, and names an unreadable CA file', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY, KAFKA_SSL_CA_FILE: 'ca.crt' })).toThrow(/KAFKA_SSL_CA_FILE/);
    expect(() => loadConfig({ JWT_PUBLIC_KEY, KAFKA_MAX_RECORD_BYTES: '10' })).toThrow(
      /KAFKA_MAX_RECORD_BYTES/,
    );
    expect(() => clientOf({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' })).toThrow(/KAFKA_SSL_CA_FILE/);
  });
});
