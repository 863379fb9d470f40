import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventType } from '@app/contracts';
import { SagaInstance } from './entities/saga-instance.entity.js';
import type { SagaEnvironment } from './order-saga.definition.js';

/** Instances and the two read models (accounts, plans) the saga keeps from other modules' events. */
@Injectable()
export class SagaRepository {
  findByOrder(manager: EntityManager, orderId: string): Promise<SagaInstance | null> {
    return manager.findOne(SagaInstance, { where: { orderId }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, instance: SagaInstance): Promise<void> {
    await manager.insert(SagaInstance, instance);
  }

  async save(manager: EntityManager, instance: SagaInstance): Promise<void> {
    await manager.save(SagaInstance, instance);
  }

  /** Claims one instance whose timer is due; concurrent pollers (several saga apps) skip each other's rows. */
  async claimDue(manager: EntityManager, topicPrefix: string): Promise<SagaInstance | null> {
    return manager
      .createQueryBuilder(SagaInstance, 'i')
      .where('i.topic_prefix = :topicPrefix AND i.timer_at <= now()', { topicPrefix })
      .orderBy('i.timer_at')
      .limit(1)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getOne();
  }

  async context(manager: EntityManager, accountId: string, planId: string) {
    const [accounts, plans] = await Promise.all([
      manager.query<{ email: string; name: string }[]>(
        'SELECT email, name FROM saga.account_view WHERE account_id = $1',
        [accountId],
      ),
      manager.query<{ vcpus: number; memoryMb: number; diskGb: number }[]>(
        'SELECT vcpus, memory_mb AS "memoryMb", disk_gb AS "diskGb" FROM saga.plan_view WHERE plan_id = $1',
        [planId],
      ),
    ]);
    return { account: accounts[0], plan: plans[0] } satisfies Partial<SagaEnvironment>;
  }

  async upsertAccount(manager: EntityManager, accountId: string, email: string, name: string): Promise<void> {
    await manager.query(
      `INSERT INTO saga.account_view (account_id, email, name) VALUES ($1, $2, $3)
       ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, name = excluded.name`,
      [accountId, email, name],
    );
  }

  async upsertPlan(
    manager: EntityManager,
    plan: { planId: string; vcpus: number; memoryMb: number; diskGb: number },
  ) {
    await manager.query(
      `INSERT INTO saga.plan_view (plan_id, vcpus, memory_mb, disk_gb) VALUES ($1, $2, $3, $4)
       ON CONFLICT (plan_id) DO UPDATE SET vcpus = excluded.vcpus, memory_mb = excluded.memory_mb,
         disk_gb = excluded.disk_gb`,
      [plan.planId, plan.vcpus, plan.memoryMb, plan.diskGb],
    );
  }

  async park(
    manager: EntityManager,
    event: { id: string; orderId: string; type: string; correlationId: string; data: unknown },
  ) {
    await manager.query(
      `INSERT INTO saga.parked_event (event_id, order_id, event_type, correlation_id, data)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [event.id, event.orderId, event.type, event.correlationId, JSON.stringify(event.data)],
    );
  }

  /**
   * Serializes everything that happens to one order's saga: the handler that starts it and one that overtook it
   * would otherwise both see "no instance yet" (READ COMMITTED), and the overtaking event would be parked after
   * the start had already looked for parked events.
   */
  async lockOrder(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('saga.order:' || $1, 0))`, [orderId]);
  }

  /** The events parked for an order, oldest first. */
  parked(manager: EntityManager, orderId: string) {
    return manager.query<
      { event_id: string; event_type: EventType; correlation_id: string; data: unknown }[]
    >(
      `SELECT event_id, event_type, correlation_id, data FROM saga.parked_event
        WHERE order_id = $1 ORDER BY parked_at, event_id`,
      [orderId],
    );
  }

  async unpark(manager: EntityManager, eventId: string): Promise<void> {
    await manager.query(`DELETE FROM saga.parked_event WHERE event_id = $1`, [eventId]);
  }
}
