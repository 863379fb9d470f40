import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dropTestDatabaseClones, TEMPLATE_DATABASE_URL } from './test-database.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Infrastructure up (idempotent, quick when already running) and the test database migrated to the latest: the
 * template each test file's own database is copied from (test-database.ts), with no copy left from an earlier run.
 */
export default function globalSetup(): void {
  const env = { ...process.env, DATABASE_URL: TEMPLATE_DATABASE_URL };
  execFileSync('bash', ['scripts/infra.sh', 'up'], { cwd: root, stdio: 'inherit', env });
  dropTestDatabaseClones();
  try {
    // The TypeORM CLI echoes every statement; keep it for when it fails.
    execFileSync('bash', ['scripts/typeorm.sh', 'migration:run'], { cwd: root, stdio: 'pipe', env });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
    throw error;
  }
}
