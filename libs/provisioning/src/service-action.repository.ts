import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ServiceActionRecord } from './entities/service-action.entity.js';

/** Database I/O of customers' service actions (provisioning.service_action); reads are scoped by tenant. */
@Injectable()
export class ServiceActionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Serializes the requests for one service (and, first, those sharing an Idempotency-Key) until the transaction
   * ends: the second of two concurrent requests sees the first one's action. Locks taken in this order only.
   */
  async serializeRequests(manager: EntityManager, tenantId: string, serviceId: string, key?: string) {
    if (key !== undefined) {
      await manager.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('provisioning.action_key:' || $1 || ':' || $2, 0))`,
        [tenantId, key],
      );
    }
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('provisioning.action_request:' || $1, 0))`,
      [serviceId],
    );
  }

  /**
   * The action recorded under the tenant's Idempotency-Key within the last ttlHours. An older use of the key is
   * forgotten, so the key is free again.
   */
  async findByKey(
    manager: EntityManager,
    tenantId: string,
    key: string,
    ttlHours: number,
  ): Promise<ServiceActionRecord | null> {
    await manager.query(
      `UPDATE provisioning.service_action SET idempotency_key = NULL, request_hash = NULL
       WHERE tenant_id = $1 AND idempotency_key = $2 AND requested_at < now() - make_interval(hours => $3)`,
      [tenantId, key, ttlHours],
    );
    return manager.findOneBy(ServiceActionRecord, { tenantId, idempotencyKey: key });
  }

  inFlight(manager: EntityManager, serviceId: string): Promise<ServiceActionRecord | null> {
    return manager.findOneBy(ServiceActionRecord, { serviceId, status: 'requested' });
  }

  async insert(manager: EntityManager, action: ServiceActionRecord): Promise<void> {
    await manager.insert(ServiceActionRecord, action);
  }

  lock(manager: EntityManager, tenantId: string, id: string): Promise<ServiceActionRecord | null> {
    return manager.findOne(ServiceActionRecord, {
      where: { tenantId, id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async finish(
    manager: EntityManager,
    action: ServiceActionRecord,
    outcome: Pick<ServiceActionRecord, 'status' | 'reason' | 'message'>,
  ): Promise<void> {
    Object.assign(action, outcome, { finishedAt: new Date() });
    await manager.update(
      ServiceActionRecord,
      { id: action.id },
      {
        status: action.status,
        reason: action.reason,
        message: action.message,
        finishedAt: action.finishedAt,
      },
    );
  }

  findForService(tenantId: string, serviceId: string, id: string): Promise<ServiceActionRecord | null> {
    return this.dataSource.manager.findOneBy(ServiceActionRecord, { tenantId, serviceId, id });
  }

  /** Newest first; `before` is the id of the last action of the previous page (ids are UUIDv7). */
  listForService(
    tenantId: string,
    serviceId: string,
    limit: number,
    before?: string,
  ): Promise<ServiceActionRecord[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(ServiceActionRecord, 'a')
      .where('a.tenantId = :tenantId AND a.serviceId = :serviceId', { tenantId, serviceId });
    if (before) {
      query.andWhere('a.id < :before', { before });
    }
    return query.orderBy('a.id', 'DESC').limit(limit).getMany();
  }
}
