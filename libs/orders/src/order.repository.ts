import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, LessThan } from 'typeorm';
import { EntityRows, queryAhead } from '@app/database';
import { Order } from './entities/order.entity.js';
import { OrderStep, type OrderStepDetail, type OrderStepKind } from './entities/order-step.entity.js';
import type { OrderStatus } from './order.state.js';

interface HistoryRow {
  id: string;
  order_id: string;
  status: OrderStatus;
  kind: OrderStepKind;
  detail: OrderStepDetail | null;
  event_type: string | null;
  event_id: string | null;
  note: string | null;
  at: Date;
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** All database I/O of the orders module; every query that reads orders is scoped by tenant. */
@Injectable()
export class OrderRepository {
  /**
   * The orders each open transaction (its manager) holds locked: records of one partition share a transaction, and
   * an order's build news comes several at a time, each locking the same row. The lock lasts until the transaction
   * ends and every write to a locked order goes through this repository, which keeps the entity current; a retried
   * transaction has a manager of its own.
   */
  private readonly locked = new WeakMap<EntityManager, Map<string, Order>>();

  /** The order as its lock reads it: a plain SELECT … FOR UPDATE, six times per order, without a query builder. */
  private readonly rows: EntityRows<Order>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.rows = new EntityRows(dataSource, Order);
  }

  /** Reads outside a transaction pass this. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  findForTenant(manager: EntityManager, tenantId: string, id: string): Promise<Order | null> {
    return manager.findOneBy(Order, { tenantId, id });
  }

  /** The order locked for the rest of the transaction (a second call in it reads no row again). */
  async lockForTenant(manager: EntityManager, tenantId: string, id: string): Promise<Order | null> {
    let held = this.locked.get(manager);
    const key = `${tenantId}/${id}`;
    const known = held?.get(key);
    if (known) {
      return known;
    }
    const [row] = await manager.query<Record<string, unknown>[]>(
      `SELECT ${this.rows.columns()} FROM orders."order" WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, id],
    );
    const order = row ? this.rows.entity(row) : null;
    if (order) {
      if (!held) {
        held = new Map();
        this.locked.set(manager, held);
      }
      held.set(key, order);
    }
    return order;
  }

  /** The status changes of an order, oldest first. */
  steps(manager: EntityManager, orderId: string): Promise<OrderStep[]> {
    return manager.find(OrderStep, { where: { orderId, kind: 'status' }, order: { id: 'ASC' } });
  }

  /** For each cursor, the lines of its order's history after its id, oldest first, at most `limit` per order. */
  async historyAfter(cursors: { orderId: string; after: string }[], limit: number): Promise<OrderStep[]> {
    if (cursors.length === 0) {
      return [];
    }
    const rows: HistoryRow[] = await this.manager.query(
      `SELECT s.id::text AS id, s.order_id, s.status, s.kind, s.detail, s.event_type, s.event_id, s.note, s.at
         FROM unnest($1::uuid[], $2::bigint[]) AS c(order_id, after)
         CROSS JOIN LATERAL (SELECT * FROM orders.order_step s
                              WHERE s.order_id = c.order_id AND s.id > c.after ORDER BY s.id LIMIT $3) s
        ORDER BY s.id`,
      [cursors.map((c) => c.orderId), cursors.map((c) => c.after), limit],
    );
    return rows.map((r) =>
      Object.assign(new OrderStep(), {
        id: r.id,
        orderId: r.order_id,
        status: r.status,
        kind: r.kind,
        detail: r.detail,
        eventType: r.event_type,
        eventId: r.event_id,
        note: r.note,
        at: r.at,
      }),
    );
  }

  list(tenantId: string, limit: number, status?: OrderStatus, before?: string): Promise<Order[]> {
    return this.manager.find(Order, {
      where: { tenantId, ...(status ? { status } : {}), ...(before ? { id: LessThan(before) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  async insert(manager: EntityManager, order: Order, step: Partial<OrderStep>): Promise<void> {
    await manager.insert(Order, order);
    await manager.insert(OrderStep, { orderId: order.id, status: order.status, ...step });
  }

  /**
   * Moves a locked order to `status` and records the step, and the news that came with it, in one statement; names
   * the order's service when `serviceId` is given.
   */
  async move(
    manager: EntityManager,
    order: Order,
    status: OrderStatus,
    step: Pick<Partial<OrderStep>, 'eventType' | 'eventId' | 'note'>,
    also: {
      news?: { kind: Exclude<OrderStepKind, 'status'>; detail: OrderStepDetail };
      serviceId?: string;
    } = {},
  ): Promise<void> {
    const { news, serviceId } = also;
    order.status = status;
    order.updatedAt = new Date();
    if (serviceId !== undefined) {
      order.serviceId = serviceId;
    }
    await manager.query(
      `WITH moved AS (UPDATE orders."order" SET status = $2, updated_at = $3, service_id = coalesce($7, service_id)
                       WHERE id = $1)
       INSERT INTO orders.order_step (order_id, status, kind, detail, event_type, event_id, note)
       VALUES ($1, $2, 'status', NULL, $4, $5, $6)${news ? `, ($1, $2, $8, $9::jsonb, $4, $5, NULL)` : ''}`,
      [
        order.id,
        status,
        order.updatedAt,
        step.eventType ?? null,
        step.eventId ?? null,
        step.note ?? null,
        serviceId ?? null,
        ...(news ? [news.kind, JSON.stringify(news.detail)] : []),
      ],
    );
  }

  /** News about a locked order that leaves its status as it is. */
  async note(
    manager: EntityManager,
    order: Order,
    kind: Exclude<OrderStepKind, 'status'>,
    detail: OrderStepDetail,
    step: Pick<Partial<OrderStep>, 'eventType' | 'eventId'>,
  ): Promise<void> {
    await queryAhead(
      manager,
      `INSERT INTO orders.order_step (order_id, status, kind, detail, event_type, event_id)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [order.id, order.status, kind, JSON.stringify(detail), step.eventType ?? null, step.eventId ?? null],
    );
  }

  /**
   * Claims an idempotency key inside the caller's transaction. A concurrent request with the same key waits on the
   * row lock and then sees the first one's stored response. Keys older than ttlHours count as unused.
   */
  async claimKey(
    manager: EntityManager,
    tenantId: string,
    key: string,
    requestHash: string,
    ttlHours: number,
  ): Promise<StoredResponse | undefined> {
    await manager.query(
      `DELETE FROM orders.idempotency_key
       WHERE tenant_id = $1 AND key = $2 AND created_at < now() - make_interval(hours => $3)`,
      [tenantId, key, ttlHours],
    );
    const inserted: unknown[] = await manager.query(
      `INSERT INTO orders.idempotency_key (tenant_id, key, request_hash, response_status, response_body)
       VALUES ($1, $2, $3, 0, '{}') ON CONFLICT DO NOTHING RETURNING key`,
      [tenantId, key, requestHash],
    );
    if (inserted.length > 0) {
      return undefined;
    }
    const rows: { request_hash: string; response_status: number; response_body: unknown }[] =
      await manager.query(
        `SELECT request_hash, response_status, response_body FROM orders.idempotency_key
       WHERE tenant_id = $1 AND key = $2`,
        [tenantId, key],
      );
    const row = rows[0];
    if (!row) {
      throw new Error('idempotency key vanished while claimed');
    }
    return { requestHash: row.request_hash, status: row.response_status, body: row.response_body };
  }

  async storeResponse(manager: EntityManager, tenantId: string, key: string, status: number, body: unknown) {
    await manager.query(
      `UPDATE orders.idempotency_key SET response_status = $3, response_body = $4 WHERE tenant_id = $1 AND key = $2`,
      [tenantId, key, status, JSON.stringify(body)],
    );
  }

  async purgeKeys(ttlHours: number): Promise<void> {
    await this.manager.query(
      'DELETE FROM orders.idempotency_key WHERE created_at < now() - make_interval(hours => $1)',
      [ttlHours],
    );
  }
}
