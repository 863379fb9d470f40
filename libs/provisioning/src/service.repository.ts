import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { EntityRows, queryAhead, transaction } from '@app/database';
import type { ServiceState } from './build.state.js';
import { BuildJob } from './entities/build-job.entity.js';
import { SealedSecret } from './entities/sealed-secret.entity.js';
import { ServiceRecord } from './entities/service-record.entity.js';
import { ServiceRelease } from './entities/service-release.entity.js';

/** The back office's filter of services across tenants. */
export interface AdminServiceFilter {
  state?: ServiceState;
  tenantId?: string;
  orderId?: string;
  cursor?: string;
  limit: number;
}

/** All database I/O of the provisioning module; whatever a customer reads is scoped by tenant. */
@Injectable()
export class ServiceRepository {
  /** A claimed build step's job and service, read in the claiming statement (without a query builder). */
  private readonly jobRows: EntityRows<BuildJob>;
  private readonly serviceRows: EntityRows<ServiceRecord>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.jobRows = new EntityRows(dataSource, BuildJob);
    this.serviceRows = new EntityRows(dataSource, ServiceRecord);
  }

  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return transaction(this.dataSource, work);
  }

  /**
   * Serializes the handlers of one service id until the transaction ends. A request and a release for the same
   * service travel on different topics, so they can be handled at the same moment; neither may miss the other.
   */
  async serialize(manager: EntityManager, serviceId: string): Promise<void> {
    await queryAhead(
      manager,
      `SELECT pg_advisory_xact_lock(hashtextextended('provisioning.service:' || $1, 0))`,
      [serviceId],
    );
  }

  lock(manager: EntityManager, id: string): Promise<ServiceRecord | null> {
    return manager.findOne(ServiceRecord, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lockForTenant(manager: EntityManager, tenantId: string, id: string): Promise<ServiceRecord | null> {
    return manager.findOne(ServiceRecord, { where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
  }

  findForTenant(tenantId: string, id: string): Promise<ServiceRecord | null> {
    return this.dataSource.manager.findOneBy(ServiceRecord, { tenantId, id });
  }

  /** Newest first; `before` is the id of the last service of the previous page. */
  list(tenantId: string, limit: number, state?: ServiceState, before?: string): Promise<ServiceRecord[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(ServiceRecord, 's')
      .where('s.tenantId = :tenantId', { tenantId });
    if (state) {
      query.andWhere('s.state = :state', { state });
    }
    if (before) {
      query.andWhere(
        `(s.createdAt, s.id) < (SELECT c.created_at, c.id FROM provisioning.service c
          WHERE c.id = :before AND c.tenant_id = :tenantId)`,
        { before },
      );
    }
    return query.orderBy('s.createdAt', 'DESC').addOrderBy('s.id', 'DESC').limit(limit).getMany();
  }

  /**
   * The back office's list, across tenants, newest first; `filter.cursor` is the id of the last service of the
   * previous page.
   */
  listAcrossTenants(filter: AdminServiceFilter): Promise<ServiceRecord[]> {
    const query = this.dataSource.manager.createQueryBuilder(ServiceRecord, 's');
    if (filter.state) {
      query.andWhere('s.state = :state', { state: filter.state });
    }
    if (filter.tenantId) {
      query.andWhere('s.tenantId = :tenantId', { tenantId: filter.tenantId });
    }
    if (filter.orderId) {
      query.andWhere('s.orderId = :orderId', { orderId: filter.orderId });
    }
    if (filter.cursor) {
      query.andWhere(
        `(s.createdAt, s.id) < (SELECT c.created_at, c.id FROM provisioning.service c WHERE c.id = :cursor)`,
        { cursor: filter.cursor },
      );
    }
    return query.orderBy('s.createdAt', 'DESC').addOrderBy('s.id', 'DESC').limit(filter.limit).getMany();
  }

  find(id: string): Promise<ServiceRecord | null> {
    return this.dataSource.manager.findOneBy(ServiceRecord, { id });
  }

  async insertService(manager: EntityManager, service: ServiceRecord): Promise<void> {
    await manager.insert(ServiceRecord, service);
  }

  async saveService(manager: EntityManager, service: ServiceRecord): Promise<void> {
    service.updatedAt = new Date();
    const { id, ...columns } = service;
    await manager.update(ServiceRecord, { id }, columns);
  }

  async insertJob(manager: EntityManager, job: BuildJob): Promise<void> {
    await manager.insert(BuildJob, job);
  }

  /**
   * Claims the most overdue running job together with its service, skipping rows another poller (or a release in
   * progress) holds: the lock lasts until the step's transaction ends. `more`: the claim saw another job due (a
   * hint for the poller: it counts jobs other claims hold as well).
   */
  async claimDueJob(
    manager: EntityManager,
  ): Promise<{ job: BuildJob; service: ServiceRecord; more: boolean } | null> {
    // FOR UPDATE returns the rows as they are once locked (their latest version), as a read after it would.
    const rows: ({ more: boolean } & Record<string, unknown>)[] = await manager.query(
      `SELECT ${this.jobRows.columns('j', 'j_')}, ${this.serviceRows.columns('s', 's_')},
              EXISTS (SELECT FROM provisioning.build_job o
                       WHERE o.status = 'running' AND o.run_after <= clock_timestamp() AND o.id <> j.id) AS more
         FROM provisioning.build_job j JOIN provisioning.service s ON s.id = j.service_id
        WHERE j.status = 'running' AND j.run_after <= clock_timestamp()
        ORDER BY j.run_after LIMIT 1
          FOR UPDATE OF j, s SKIP LOCKED`,
    );
    const claimed = rows[0];
    if (!claimed) {
      return null;
    }
    return {
      job: this.jobRows.entity(claimed, 'j_'),
      service: this.serviceRows.entity(claimed, 's_'),
      more: claimed.more,
    };
  }

  /**
   * Persists the job; it becomes due again runAfterMs from now by the database's clock, which every poller shares
   * (the entity's runAfter follows by this process's clock).
   */
  async saveJob(manager: EntityManager, job: BuildJob, runAfterMs: number): Promise<void> {
    job.updatedAt = new Date();
    const { id, runAfter: _runAfter, ...columns } = job;
    const delayMs = Math.max(0, Math.round(runAfterMs));
    job.runAfter = new Date(job.updatedAt.getTime() + delayMs);
    await manager.update(
      BuildJob,
      { id },
      { ...columns, runAfter: () => `clock_timestamp() + interval '${delayMs} milliseconds'` },
    );
  }

  /** The service whose first-boot seed is most overdue for removal, locked; null when none is. */
  async claimDueSeed(manager: EntityManager): Promise<ServiceRecord | null> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM provisioning.service WHERE seed_remove_after <= clock_timestamp()
       ORDER BY seed_remove_after LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    return rows[0] ? manager.findOneByOrFail(ServiceRecord, { id: rows[0].id }) : null;
  }

  async cancelRunningJobs(manager: EntityManager, serviceId: string): Promise<void> {
    await manager.update(
      BuildJob,
      { serviceId, status: 'running' },
      { status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() },
    );
  }

  async insertSecret(manager: EntityManager, secret: SealedSecret): Promise<void> {
    await manager.insert(SealedSecret, secret);
  }

  findSecret(manager: EntityManager, id: string): Promise<SealedSecret | null> {
    return manager.findOneBy(SealedSecret, { id });
  }

  async deleteSecrets(manager: EntityManager, serviceId: string): Promise<void> {
    await manager.delete(SealedSecret, { serviceId });
  }

  /** False when the service was released before: the release is then already done and announced. */
  async recordRelease(manager: EntityManager, release: ServiceRelease): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO provisioning.release (service_id, tenant_id, order_id, reason, released_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING service_id`,
      [release.serviceId, release.tenantId, release.orderId, release.reason, release.releasedAt],
    );
    return inserted.length > 0;
  }

  async isReleased(manager: EntityManager, serviceId: string): Promise<boolean> {
    return (await manager.countBy(ServiceRelease, { serviceId })) > 0;
  }
}
