import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer webhook attempts without an HTTP answer are now recorded as "unreachable" (issue #17): socket error codes
 * and timeouts told a tenant which ports of a host were open. Rows written before keep their old text; this rewrites
 * them so the deliveries API stops showing it. The details are not needed to retry anything.
 */
export class WebhookAttemptErrors1795000000020 implements MigrationInterface {
  name = 'WebhookAttemptErrors1795000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE notifications.webhook_delivery_attempts SET error = 'unreachable'
      WHERE error LIKE 'connection failed:%' OR error LIKE 'timed out after %'`);
    await q.query(`
      UPDATE notifications.webhook_deliveries SET last_error = 'unreachable'
      WHERE last_error LIKE 'connection failed:%' OR last_error LIKE 'timed out after %'`);
  }

  /** The old texts are gone; "unreachable" reads the same to the code before this migration. */
  async down(): Promise<void> {}
}
