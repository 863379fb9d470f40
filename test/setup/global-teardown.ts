import { dropTestDatabaseClones } from './test-database.ts';

/** Each test file's database goes with the run (an interrupted run's stay until the next run's global setup). */
export default function globalTeardown(): void {
  dropTestDatabaseClones();
}
