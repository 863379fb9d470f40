// Unit tests: beside the code, no infrastructure. Native ESM (node --experimental-vm-modules) with @swc/jest.
import { swcJestTransform, moduleNameMapper } from './test/jest.shared.js';

export default {
  displayName: 'unit',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/apps', '<rootDir>/libs', '<rootDir>/migrations', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.dist\\.'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: swcJestTransform,
  moduleNameMapper,
  testEnvironment: 'node',
};
