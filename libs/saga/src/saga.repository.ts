import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { SagaStatus } from '@app/contracts';
import { EntityRows, queryAhead } from '@app/database';
import { SagaInstance } from './entities/saga-instance.entity.js';
import type { HistoryEntry } from './saga-console.view.js';
import { historyInsert } from './saga-history.repository.js';
import { type KnownViews, knownViews, viewColumns, type ViewRow } from './saga-views.repository.js';

/** The views of the instance's own account and plan, for the statement that locks it. */
const INSTANCE_VIEWS = viewColumns(`(i.data->>'accountId')::uuid`, `(i.data->>'planId')::uuid`);
/** The views of the account and plan an order.created names ($2, $3). */
const ORDER_VIEWS = viewColumns('$2::uuid', '$3::uuid');

/** The console's filters; stuck compares updated_at with the deadline of the instance's step. */
export interface SagaFilter {
  status?: SagaStatus;
  step?: string;
  tenantId?: string;
  olderThanSeconds?: number;
  stuck?: { paymentWindowSeconds: number; provisioningDeadlineSeconds: number };
  cursor?: string;
  limit: number;
}

/** The saga's instances: the console's reads, and the locks, inserts and saves of the transactions that move them. */
/** What a decision may change of an instance, by primary key ($1); its values from instanceParameters. */
const UPDATE_INSTANCE = `UPDATE saga.instance SET status = $2, step = $3, data = $4::jsonb, compensations = $5::jsonb,
  failure = $6::jsonb, timer_kind = $7, timer_at = $8, updated_at = $9 WHERE id = $1`;

function instanceParameters(instance: SagaInstance): unknown[] {
  return [
    instance.id,
    instance.status,
    instance.step,
    JSON.stringify(instance.data),
    JSON.stringify(instance.compensations),
    instance.failure === null ? null : JSON.stringify(instance.failure),
    instance.timerKind,
    instance.timerAt,
    instance.updatedAt,
  ];
}

@Injectable()
export class SagaRepository {
  /** The instance as the saga's handlers lock it, read without a query builder (three times per order). */
  private readonly rows: EntityRows<SagaInstance>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.rows = new EntityRows(dataSource, SagaInstance);
  }

  /** One page of instances, newest first (ids are UUIDv7). */
  list(filter: SagaFilter): Promise<SagaInstance[]> {
    const query = this.dataSource.manager.createQueryBuilder(SagaInstance, 'i');
    if (filter.status) {
      query.andWhere('i.status = :status', { status: filter.status });
    }
    if (filter.step) {
      query.andWhere('i.step = :step', { step: filter.step });
    }
    if (filter.tenantId) {
      query.andWhere('i.tenant_id = :tenantId', { tenantId: filter.tenantId });
    }
    if (filter.olderThanSeconds !== undefined) {
      query.andWhere('i.created_at < now() - make_interval(secs => :olderThan)', {
        olderThan: filter.olderThanSeconds,
      });
    }
    if (filter.stuck) {
      // The step deadlines of stepDeadlineSeconds (saga-console.view.ts), one branch per phase.
      query.andWhere(
        `((i.status = 'running' AND i.step IN ('invoice', 'payment')
             AND i.updated_at < now() - make_interval(secs => :paymentWindow))
          OR (i.status = 'running' AND i.step = 'provision'
             AND i.updated_at < now() - make_interval(secs => :provisioningDeadline))
          OR (i.status = 'compensating'
             AND i.updated_at < now() - make_interval(secs => :provisioningDeadline)))`,
        {
          paymentWindow: filter.stuck.paymentWindowSeconds,
          provisioningDeadline: filter.stuck.provisioningDeadlineSeconds,
        },
      );
    }
    if (filter.cursor) {
      query.andWhere('i.id < :cursor', { cursor: filter.cursor });
    }
    return query.orderBy('i.id', 'DESC').limit(filter.limit).getMany();
  }

  /** An instance as it stands, without a lock (the console's read). */
  find(orderId: string): Promise<SagaInstance | null> {
    return this.dataSource.manager.findOneBy(SagaInstance, { orderId });
  }

  /** The order's instance under its row lock, for a transaction that changes it. */
  lockByOrder(manager: EntityManager, orderId: string): Promise<SagaInstance | null> {
    return manager.findOne(SagaInstance, { where: { orderId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * lockByOrder, and in the same statement whether events wait parked for the order and what the saga's views know
   * of its account and plan. Under the order's lock (lockOrder, taken before) nobody else parks or unparks, so the
   * parked answer holds for the whole transaction.
   */
  async lockWithParked(
    manager: EntityManager,
    orderId: string,
  ): Promise<{ instance: SagaInstance; parked: boolean; views: KnownViews } | null> {
    const [row] = await manager.query<({ parked: boolean } & ViewRow & Record<string, unknown>)[]>(
      `SELECT ${this.rows.columns('i')},
              EXISTS (SELECT 1 FROM saga.parked_event p WHERE p.order_id = i.order_id) AS parked,
              ${INSTANCE_VIEWS.account} AS account, ${INSTANCE_VIEWS.plan} AS plan
         FROM saga.instance i WHERE i.order_id = $1 FOR UPDATE OF i`,
      [orderId],
    );
    return row
      ? { instance: this.rows.entity(row), parked: row.parked === true, views: knownViews(row) }
      : null;
  }

  /**
   * What starting the order's saga needs, in one statement: whether it has started already, whether events wait
   * parked for it, and the views of the account and plan it names. Under the order's lock (lockOrder, taken before):
   * instances are created and events parked only under it, so the answers hold for the whole transaction, and no
   * row lock is needed to see that the saga has not started.
   */
  async beforeStart(
    manager: EntityManager,
    orderId: string,
    accountId: string,
    planId: string,
  ): Promise<{ started: boolean; parked: boolean; views: KnownViews }> {
    const [row] = await manager.query<({ started: boolean; parked: boolean } & ViewRow)[]>(
      `SELECT EXISTS (SELECT 1 FROM saga.instance WHERE order_id = $1) AS started,
              EXISTS (SELECT 1 FROM saga.parked_event WHERE order_id = $1) AS parked,
              ${ORDER_VIEWS.account} AS account, ${ORDER_VIEWS.plan} AS plan`,
      [orderId, accountId, planId],
    );
    return { started: row?.started === true, parked: row?.parked === true, views: knownViews(row) };
  }

  async insert(manager: EntityManager, instance: SagaInstance): Promise<void> {
    await manager.insert(SagaInstance, instance);
  }

  /** Writes what a decision may change, by primary key: one UPDATE, no read before it. */
  async save(manager: EntityManager, instance: SagaInstance): Promise<void> {
    await manager.query(UPDATE_INSTANCE, instanceParameters(instance));
  }

  /**
   * save, and the history entries of what changed, in one statement (the UPDATE in a CTE). Without entries, save
   * alone.
   */
  async saveWithHistory(
    manager: EntityManager,
    instance: SagaInstance,
    entries: HistoryEntry[],
  ): Promise<void> {
    if (entries.length === 0) {
      return this.save(manager, instance);
    }
    const parameters = instanceParameters(instance);
    const history = historyInsert(entries, parameters.length + 1);
    await manager.query(`WITH saved AS (${UPDATE_INSTANCE}) ${history.sql}`, [
      ...parameters,
      ...history.parameters,
    ]);
  }

  /** Claims one instance whose timer is due; concurrent pollers (several saga apps) skip each other's rows. */
  async claimDue(manager: EntityManager): Promise<SagaInstance | null> {
    return manager
      .createQueryBuilder(SagaInstance, 'i')
      .where('i.timer_at <= now()')
      .orderBy('i.timer_at')
      .limit(1)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getOne();
  }

  /**
   * Serializes everything that happens to one order's saga: the handler that starts it and one that overtook it
   * would otherwise both see "no instance yet" (READ COMMITTED), and the overtaking event would be parked after
   * the start had already looked for parked events.
   */
  async lockOrder(manager: EntityManager, orderId: string): Promise<void> {
    await queryAhead(manager, `SELECT pg_advisory_xact_lock(hashtextextended('saga.order:' || $1, 0))`, [
      orderId,
    ]);
  }
}
