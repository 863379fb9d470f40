// Every integration suite talks to a database of its own (a copy of the migrated test database) and a broker on
// loopback unless told otherwise, with a signing key pair and an operator admin key of its own.
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { cloneTestDatabase } from './test-database.js';

process.env.NODE_ENV ??= 'test';
// Child processes the suite starts inherit it: an app, its eight split apps and the suite read the same database.
process.env.DATABASE_URL = cloneTestDatabase();
process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
if (!process.env.JWT_PUBLIC_KEY) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  process.env.JWT_PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  process.env.JWT_PRIVATE_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
// One fixed key for every run: booting with an operator key revokes the operator's other keys (a rotation).
process.env.BOOTSTRAP_ADMIN_API_KEY ??= 'pk_7e57ad317e57_test-operator-key-not-a-secret-0123456789';
