import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a webhook endpoint NOTIFYs platforma_webhook_endpoints with its tenant at commit, so each process's
 * index of which tenant takes which event (WebhookSubscriptionsService) forgets that tenant; TRUNCATE forgets all
 * (empty payload). A trigger rather than the repository: a row changed by hand or by another version of the code
 * is announced too. NOTIFY folds equal payloads of one transaction into one.
 */
export class WebhookEndpointNotify1795000000039 implements MigrationInterface {
  name = 'WebhookEndpointNotify1795000000039';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notifications.webhook_endpoint_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('platforma_webhook_endpoints', '');
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('platforma_webhook_endpoints', OLD.tenant_id::text);
        ELSE
          PERFORM pg_notify('platforma_webhook_endpoints', NEW.tenant_id::text);
          IF TG_OP = 'UPDATE' AND OLD.tenant_id <> NEW.tenant_id THEN
            PERFORM pg_notify('platforma_webhook_endpoints', OLD.tenant_id::text);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER webhook_endpoint_notify AFTER INSERT OR UPDATE OR DELETE ON notifications.webhook_endpoints
      FOR EACH ROW EXECUTE FUNCTION notifications.webhook_endpoint_notify()`);
    await q.query(`
      CREATE TRIGGER webhook_endpoint_truncate_notify AFTER TRUNCATE ON notifications.webhook_endpoints
      FOR EACH STATEMENT EXECUTE FUNCTION notifications.webhook_endpoint_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER webhook_endpoint_truncate_notify ON notifications.webhook_endpoints`);
    await q.query(`DROP TRIGGER webhook_endpoint_notify ON notifications.webhook_endpoints`);
    await q.query(`DROP FUNCTION notifications.webhook_endpoint_notify()`);
  }
}
