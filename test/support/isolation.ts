import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SOURCE_MODULES } from '@app/contracts';
import { TopicAdminService } from '@app/messaging';
import { cloneTestDatabase } from '../setup/test-database.js';

/**
 * A database of its own for what follows in this file (apps started afterwards and DATABASE_URL readers): for a
 * describe block after another one in the same file, whose app would otherwise pick up the jobs, mails and webhook
 * deliveries the earlier block's app left pending. Each file already has its own (test/setup/test-env.ts).
 */
export function useOwnDatabase(): string {
  process.env.DATABASE_URL = cloneTestDatabase();
  return process.env.DATABASE_URL;
}

/** A topic/group prefix of its own per suite, so suites share the broker without sharing state. */
export function uniquePrefix(suite: string): string {
  return `t.${suite}.${randomBytes(4).toString('hex')}.`;
}

/**
 * Closes a suite's app and removes what it leaves on the shared broker and database: its topics, and outbox rows
 * still bound for them (which later suites' relays would otherwise keep retrying).
 */
export async function closeIsolatedApp(app: INestApplication, prefix: string): Promise<void> {
  const topics = app.get(TopicAdminService);
  const created = topics.catalogTopics();
  const db = app.get(DataSource);
  await app.close();
  await topics.deleteTopics(created);
  await topics.onModuleDestroy();
  await dropOutboxRows((db.options as { url?: string }).url ?? '', prefix);
}

export async function dropOutboxRows(url: string, prefix: string): Promise<void> {
  const db = new DataSource({ type: 'postgres', url });
  await db.initialize();
  try {
    for (const schema of SOURCE_MODULES) {
      await db.query(`DELETE FROM "${schema}".outbox WHERE published_at IS NULL AND starts_with(topic, $1)`, [
        prefix,
      ]);
    }
  } finally {
    await db.destroy();
  }
}
