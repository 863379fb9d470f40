// Integration and e2e suites: real Kafka broker and PostgreSQL, started by the global setup if they are not up.
import { swcJestTransform, moduleNameMapper } from './jest.shared.js';

export default {
  displayName: 'integration',
  rootDir: '..',
  roots: ['<rootDir>/libs', '<rootDir>/src', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
  // test/cluster needs the three-broker cluster: jest-cluster.config.js runs it.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.dist\\.', '<rootDir>/test/cluster/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: swcJestTransform,
  moduleNameMapper,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/test-env.ts'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
