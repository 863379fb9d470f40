import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PlanView } from './entities/plan-view.entity.js';

/**
 * All database I/O of what orders knows of other modules to admit an order, learnt from their events only: the
 * catalog's plans (orders.plan_view) and the accounts' suspensions (orders.suspended_tenant).
 */
@Injectable()
export class OrderAdmissionRepository {
  plan(manager: EntityManager, planId: string): Promise<PlanView | null> {
    return manager.findOneBy(PlanView, { planId });
  }

  async savePlan(manager: EntityManager, plan: PlanView): Promise<void> {
    await manager.upsert(PlanView, plan, ['planId']);
  }

  async retirePlan(manager: EntityManager, planId: string, at: Date): Promise<void> {
    await manager.update(PlanView, { planId }, { status: 'retired', updatedAt: at });
  }

  async isSuspended(manager: EntityManager, tenantId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      'SELECT 1 FROM orders.suspended_tenant WHERE tenant_id = $1 AND (lifted_at IS NULL OR lifted_at < suspended_at)',
      [tenantId],
    );
    return rows.length > 0;
  }

  /** Suspends the tenant as of `at`, unless a suspension published later is recorded already. */
  async suspend(manager: EntityManager, tenantId: string, reason: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO orders.suspended_tenant (tenant_id, reason, suspended_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET reason = EXCLUDED.reason, suspended_at = EXCLUDED.suspended_at
       WHERE suspended_tenant.suspended_at < EXCLUDED.suspended_at`,
      [tenantId, reason, at],
    );
  }

  /**
   * Lifts the tenant's suspension as of `at`. The row stays with the lift's time: a suspension read later but
   * published earlier then changes nothing, one published later suspends again.
   */
  async lift(manager: EntityManager, tenantId: string, at: string): Promise<void> {
    await manager.query(
      `INSERT INTO orders.suspended_tenant (tenant_id, reason, suspended_at, lifted_at)
       VALUES ($1, 'lifted', '-infinity', $2)
       ON CONFLICT (tenant_id) DO UPDATE SET lifted_at = GREATEST(suspended_tenant.lifted_at, EXCLUDED.lifted_at)`,
      [tenantId, at],
    );
  }
}
