import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { queryAhead } from '@app/database';
import { AccountView } from './entities/account-view.entity.js';
import { ParkedOrder } from './entities/parked-order.entity.js';
import { PlanView } from './entities/plan-view.entity.js';

/**
 * The read models billing keeps from other modules' events: accounts (who to invoice, and the orders that arrived
 * before their account) and plans (what a renewal or a plan change costs).
 */
@Injectable()
export class BillingViewsRepository {
  findAccount(manager: EntityManager, accountId: string): Promise<AccountView | null> {
    return manager.findOneBy(AccountView, { accountId });
  }

  /**
   * Serializes account.created and order.created of one account (consumed from two topics, possibly at once):
   * without it an order could find no account while the account finds no parked order, and wait forever.
   */
  async lockAccount(manager: EntityManager, accountId: string): Promise<void> {
    await queryAhead(manager, `SELECT pg_advisory_xact_lock(hashtextextended('billing.account:' || $1, 0))`, [
      accountId,
    ]);
  }

  async upsertAccount(manager: EntityManager, account: AccountView): Promise<void> {
    await manager.upsert(AccountView, account, ['accountId']);
  }

  /** Idempotent: a redelivered order.created finds its order already parked. */
  async park(manager: EntityManager, order: ParkedOrder): Promise<void> {
    await manager.createQueryBuilder().insert().into(ParkedOrder).values(order).orIgnore().execute();
  }

  /** Removes and returns the orders waiting for this account, oldest first. */
  async unpark(manager: EntityManager, tenantId: string, accountId: string): Promise<ParkedOrder[]> {
    const parked = await manager.find(ParkedOrder, {
      where: { tenantId, accountId },
      order: { parkedAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    if (parked.length > 0) {
      await manager.delete(ParkedOrder, { tenantId, orderId: In(parked.map((p) => p.orderId)) });
    }
    return parked;
  }

  async upsertPlan(manager: EntityManager, plan: Omit<PlanView, 'retired'>): Promise<void> {
    await manager.query(
      `INSERT INTO billing.plan_view (plan_id, name, vcpus, memory_mb, disk_gb, prices, retired, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, false, $7)
       ON CONFLICT (plan_id) DO UPDATE SET name = excluded.name, vcpus = excluded.vcpus,
         memory_mb = excluded.memory_mb, disk_gb = excluded.disk_gb, prices = excluded.prices,
         updated_at = excluded.updated_at`,
      [
        plan.planId,
        plan.name,
        plan.vcpus,
        plan.memoryMb,
        plan.diskGb,
        JSON.stringify(plan.prices),
        plan.updatedAt,
      ],
    );
  }

  async retirePlan(manager: EntityManager, planId: string, at: Date): Promise<void> {
    await manager.update(PlanView, { planId }, { retired: true, updatedAt: at });
  }

  findPlan(manager: EntityManager, planId: string): Promise<PlanView | null> {
    return manager.findOneBy(PlanView, { planId });
  }
}
