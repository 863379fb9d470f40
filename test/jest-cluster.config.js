// The suites that need the three-broker cluster (scripts/kafka/kafka.sh with KAFKA_CLUSTER_SIZE=3): run once by
// scripts/test.sh after the other integration suites, with KAFKA_BROKERS naming the three brokers.
import integration from './jest-integration.config.js';

export default {
  ...integration,
  displayName: 'cluster',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.dist\\.'],
  testTimeout: 400_000,
};
