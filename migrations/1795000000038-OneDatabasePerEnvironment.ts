import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The twelve tables that carried the environment's KAFKA_TOPIC_PREFIX on every row. */
const TABLES = [
  'accounts.account',
  'audit.admin_actions',
  'audit.event_log',
  'audit.replays',
  'billing.invoice',
  'billing.subscription',
  'billing.subscription_timer',
  'notifications.notification',
  'notifications.webhook_deliveries',
  'orders."order"',
  'provisioning.build_job',
  'saga.instance',
];

/**
 * Each index that led with topic_prefix: its table, the columns after the prefix and its condition. Without the
 * prefix it is made again on the rest, unless the primary key or another index already serves it (`gone`).
 */
const INDEXES: { name: string; on: string; columns: string; where?: string; gone?: true }[] = [
  { name: 'accounts.account_admin_idx', on: 'accounts.account', columns: 'created_at, id' },
  { name: 'accounts.account_admin_status_idx', on: 'accounts.account', columns: 'status, created_at, id' },
  {
    name: 'accounts.account_admin_email_idx',
    on: 'accounts.account',
    columns: 'lower(email) text_pattern_ops',
  },
  { name: 'audit.admin_actions_recent_idx', on: 'audit.admin_actions', columns: 'id DESC', gone: true },
  { name: 'audit.event_log_recent_idx', on: 'audit.event_log', columns: 'id DESC', gone: true },
  { name: 'audit.event_log_type_idx', on: 'audit.event_log', columns: 'type, id DESC' },
  { name: 'audit.event_log_tenant_idx', on: 'audit.event_log', columns: 'tenant_id, id DESC' },
  { name: 'audit.event_log_correlation_idx', on: 'audit.event_log', columns: 'correlation_id' },
  { name: 'audit.event_log_order_idx', on: 'audit.event_log', columns: 'order_id' },
  // event_log_event_idx (event_id, topic, …) serves a lookup by event id.
  { name: 'audit.event_log_event_id_idx', on: 'audit.event_log', columns: 'event_id', gone: true },
  { name: 'audit.event_log_occurred_id_idx', on: 'audit.event_log', columns: 'occurred_at, id' },
  {
    name: 'audit.event_log_dead_letter_idx',
    on: 'audit.event_log',
    columns: 'id DESC',
    where: 'is_dead_letter',
  },
  { name: 'audit.replays_order_idx', on: 'audit.replays', columns: 'order_id, requested_at DESC' },
  { name: 'billing.invoice_admin_idx', on: 'billing.invoice', columns: 'id DESC', gone: true },
  {
    name: 'billing.subscription_timer_due_idx',
    on: 'billing.subscription_timer',
    columns: 'due_at',
    where: `status = 'pending'`,
  },
  {
    name: 'notifications.notification_due_idx',
    on: 'notifications.notification',
    columns: 'next_attempt_at',
    where: `status = 'pending'`,
  },
  {
    name: 'notifications.webhook_deliveries_due_idx',
    on: 'notifications.webhook_deliveries',
    columns: 'next_attempt_at',
    where: `status = 'pending'`,
  },
  { name: 'orders.order_admin_idx', on: 'orders."order"', columns: 'created_at, id' },
  {
    name: 'provisioning.build_job_due_idx',
    on: 'provisioning.build_job',
    columns: 'run_after',
    where: `status = 'running'`,
  },
  { name: 'saga.instance_console_idx', on: 'saga.instance', columns: 'id DESC', gone: true },
  { name: 'saga.instance_console_status_idx', on: 'saga.instance', columns: 'status, step, updated_at' },
  { name: 'saga.instance_console_tenant_idx', on: 'saga.instance', columns: 'tenant_id, id DESC' },
  {
    name: 'saga.instance_timer_idx',
    on: 'saga.instance',
    columns: 'timer_at',
    where: 'timer_at IS NOT NULL',
  },
];

/** `CREATE INDEX` of one of them, with the prefix first or without it. */
function createIndex(index: (typeof INDEXES)[number], withPrefix: boolean): string {
  const name = index.name.slice(index.name.indexOf('.') + 1);
  const columns = withPrefix ? `topic_prefix, ${index.columns}` : index.columns;
  return `CREATE INDEX ${name} ON ${index.on} (${columns})${index.where ? ` WHERE ${index.where}` : ''}`;
}

/**
 * One database per environment. The prefix stays what it was for Kafka (topic and consumer group names, so
 * environments can share a broker) and no longer marks domain rows: environments and test suites no longer share a
 * database (each integration suite gets its own, cloned from the migrated template), so no domain query filters by
 * it and no new table has to remember it. Rows of several environments in one database stay, unattributed, in
 * whatever environment uses that database from now on; `down` gives every row back to the unprefixed environment ('').
 */
export class OneDatabasePerEnvironment1795000000038 implements MigrationInterface {
  name = 'OneDatabasePerEnvironment1795000000038';

  async up(q: QueryRunner): Promise<void> {
    for (const index of INDEXES) {
      await q.query(`DROP INDEX ${index.name}`);
    }
    for (const table of TABLES) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN topic_prefix`);
    }
    for (const index of INDEXES.filter((i) => !i.gone)) {
      await q.query(createIndex(index, false));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of INDEXES.filter((i) => !i.gone)) {
      await q.query(`DROP INDEX ${index.name}`);
    }
    for (const table of TABLES) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN topic_prefix text NOT NULL DEFAULT ''`);
    }
    for (const index of INDEXES) {
      await q.query(createIndex(index, true));
    }
  }
}
