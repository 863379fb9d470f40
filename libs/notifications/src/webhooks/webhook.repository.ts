import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, LessThan, Not } from 'typeorm';
import { transaction } from '@app/database';
import { WebhookDeliveryAttempt } from './entities/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';
import { ALL_EVENTS } from './webhook-events.js';

export type DeliveryChanges = Partial<
  Pick<WebhookDelivery, 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'deliveredAt' | 'failedAt'>
>;

/** All database I/O of customer webhooks; every read a tenant asks for is scoped by its tenant. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return transaction(this.dataSource, work);
  }

  /** Serialises a tenant's registrations until the transaction ends, so the endpoint limit holds under races. */
  async lockTenant(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('notifications.webhooks:' || $1, 0))`,
      [tenantId],
    );
  }

  countEndpoints(manager: EntityManager, tenantId: string): Promise<number> {
    return manager.countBy(WebhookEndpoint, { tenantId, status: Not('deleted') });
  }

  async insertEndpoint(manager: EntityManager, endpoint: WebhookEndpoint): Promise<void> {
    await manager.insert(WebhookEndpoint, endpoint);
  }

  findEndpoint(tenantId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.dataSource.manager.findOneBy(WebhookEndpoint, { tenantId, id, status: Not('deleted') });
  }

  /** Any endpoint, in any state: for the delivery worker, which works for every tenant. */
  endpointById(id: string): Promise<WebhookEndpoint | null> {
    return this.dataSource.manager.findOneBy(WebhookEndpoint, { id });
  }

  /** Newest first; `before` is the cursor (the last id of the previous page). */
  listEndpoints(tenantId: string, limit: number, before?: string): Promise<WebhookEndpoint[]> {
    return this.dataSource.manager.find(WebhookEndpoint, {
      where: { tenantId, status: Not('deleted'), ...(before ? { id: LessThan(before) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  lockEndpoint(manager: EntityManager, tenantId: string, id: string): Promise<WebhookEndpoint | null> {
    return manager.findOne(WebhookEndpoint, {
      where: { tenantId, id, status: Not('deleted') },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async updateEndpoint(
    manager: EntityManager,
    id: string,
    changes: Partial<Omit<WebhookEndpoint, 'id' | 'tenantId'>>,
  ): Promise<void> {
    await manager.update(WebhookEndpoint, { id }, { ...changes, updatedAt: new Date() });
  }

  /** An active endpoint stops receiving events; a deleted one stays deleted. */
  async disableEndpoint(manager: EntityManager, id: string): Promise<void> {
    const now = new Date();
    await manager.update(
      WebhookEndpoint,
      { id, status: 'active' },
      { status: 'disabled', disabledAt: now, updatedAt: now },
    );
  }

  /** Gives up an endpoint's queued deliveries, e.g. when it is deleted; `except` is the one being recorded. */
  async failPendingDeliveries(
    manager: EntityManager,
    endpointId: string,
    reason: string,
    except?: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE notifications.webhook_deliveries
       SET status = 'failed', last_error = $2, failed_at = clock_timestamp(), updated_at = clock_timestamp()
       WHERE endpoint_id = $1 AND status = 'pending' AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [endpointId, reason, except ?? null],
    );
  }

  /** Whether any active endpoint of the tenant takes the event type (a plain read, outside any transaction). */
  async anySubscribed(reader: EntityManager, tenantId: string, eventType: string): Promise<boolean> {
    const rows: unknown[] = await reader.query(
      `SELECT 1 FROM notifications.webhook_endpoints
       WHERE tenant_id = $1 AND status = 'active' AND ($2 = ANY(events) OR $3 = ANY(events)) LIMIT 1`,
      [tenantId, eventType, ALL_EVENTS],
    );
    return rows.length > 0;
  }

  /** Every event filter of the tenant's active endpoints (`*` among them when one takes all), outside any transaction. */
  async subscribedFilters(reader: EntityManager, tenantId: string): Promise<string[]> {
    const rows: { filter: string }[] = await reader.query(
      `SELECT DISTINCT unnest(events) AS filter FROM notifications.webhook_endpoints
       WHERE tenant_id = $1 AND status = 'active'`,
      [tenantId],
    );
    return rows.map((row) => row.filter);
  }

  /**
   * The tenant's active endpoints subscribed to the event. FOR SHARE waits for a concurrent deletion to commit and
   * then skips the endpoint, so a deleted endpoint never gets a delivery queued after its deletion.
   */
  subscribedEndpoints(
    manager: EntityManager,
    tenantId: string,
    eventType: string,
  ): Promise<{ id: string }[]> {
    return manager.query(
      `SELECT id FROM notifications.webhook_endpoints
       WHERE tenant_id = $1 AND status = 'active' AND ($2 = ANY(events) OR $3 = ANY(events))
       FOR SHARE`,
      [tenantId, eventType, ALL_EVENTS],
    );
  }

  /** Rows already there (the same event for the same endpoint) are left alone: a redelivered event is sent once. */
  async insertDeliveries(manager: EntityManager, deliveries: WebhookDelivery[]): Promise<void> {
    await manager.createQueryBuilder().insert().into(WebhookDelivery).values(deliveries).orIgnore().execute();
  }

  /**
   * Claims the most overdue pending delivery for leaseMs: it is not due again until then, so no other process sends
   * it meanwhile, and a process that dies mid-attempt leaves it to be retried after the lease. Nothing is held open
   * while the endpoint is called.
   */
  async claimDue(leaseMs: number): Promise<WebhookDelivery | null> {
    // A SELECT around the UPDATE: TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications.webhook_deliveries d
         SET next_attempt_at = clock_timestamp() + make_interval(secs => $1::double precision / 1000)
         WHERE d.id = (
           SELECT id FROM notifications.webhook_deliveries
           WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
           ORDER BY next_attempt_at LIMIT 1
           FOR UPDATE SKIP LOCKED)
         RETURNING d.id)
       SELECT id FROM claimed`,
      [leaseMs],
    );
    const id = rows[0]?.id;
    return id ? this.dataSource.manager.findOneBy(WebhookDelivery, { id }) : null;
  }

  lockDelivery(manager: EntityManager, id: string): Promise<WebhookDelivery | null> {
    return manager.findOne(WebhookDelivery, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A pending delivery becomes due retryAfterMs after retryFrom, or from now by the database's clock. */
  async updateDelivery(
    manager: EntityManager,
    id: string,
    changes: DeliveryChanges,
    retryAfterMs?: number,
    retryFrom?: Date,
  ): Promise<void> {
    const delayMs = Math.max(0, Math.round(retryAfterMs ?? 0));
    const nextAttemptAt =
      retryAfterMs === undefined
        ? {}
        : retryFrom
          ? { nextAttemptAt: new Date(retryFrom.getTime() + delayMs) }
          : { nextAttemptAt: () => `clock_timestamp() + interval '${delayMs} milliseconds'` };
    await manager.update(WebhookDelivery, { id }, { ...changes, updatedAt: new Date(), ...nextAttemptAt });
  }

  async insertAttempt(manager: EntityManager, attempt: WebhookDeliveryAttempt): Promise<void> {
    await manager.insert(WebhookDeliveryAttempt, attempt);
  }

  /** Newest first; `before` is the cursor (the last id of the previous page). */
  listDeliveries(
    tenantId: string,
    endpointId: string,
    limit: number,
    before?: string,
  ): Promise<WebhookDelivery[]> {
    return this.dataSource.manager.find(WebhookDelivery, {
      where: { tenantId, endpointId, ...(before ? { id: LessThan(before) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  attemptsOf(deliveryIds: string[]): Promise<WebhookDeliveryAttempt[]> {
    if (deliveryIds.length === 0) {
      return Promise.resolve([]);
    }
    return this.dataSource.manager.find(WebhookDeliveryAttempt, {
      where: { deliveryId: In(deliveryIds) },
      order: { deliveryId: 'ASC', attempt: 'ASC' },
    });
  }
}
