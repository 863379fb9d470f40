import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Infrastructure up (idempotent, quick when already running) and the test database migrated to the latest. */
export default function globalSetup(): void {
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma_test',
  };
  execFileSync('bash', ['scripts/infra.sh', 'up'], { cwd: root, stdio: 'inherit', env });
  try {
    // The TypeORM CLI echoes every statement; keep it for when it fails.
    execFileSync('bash', ['scripts/typeorm.sh', 'migration:run'], { cwd: root, stdio: 'pipe', env });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
    throw error;
  }
}
