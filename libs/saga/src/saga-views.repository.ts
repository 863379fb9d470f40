import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SagaEnvironment } from './order-saga.definition.js';

/** What the saga knows of an order's account and plan; a view the saga has not heard of yet is absent. */
export type KnownViews = Pick<Partial<SagaEnvironment>, 'account' | 'plan'>;

/**
 * The views' row for an account and a plan, as two SQL expressions over the given id expressions: read on their own
 * (context) or in the statement that locks the saga (SagaRepository.lockWithParked).
 */
export function viewColumns(accountId: string, planId: string): { account: string; plan: string } {
  return {
    account: `(SELECT json_build_object('email', email, 'name', name)
                 FROM saga.account_view WHERE account_id = ${accountId})`,
    plan: `(SELECT json_build_object('vcpus', vcpus, 'memoryMb', memory_mb, 'diskGb', disk_gb)
              FROM saga.plan_view WHERE plan_id = ${planId})`,
  };
}

/** The views' columns as read: null where the saga has not heard of the account or plan. */
export interface ViewRow {
  account: SagaEnvironment['account'] | null;
  plan: SagaEnvironment['plan'] | null;
}

export function knownViews(row: ViewRow | undefined): KnownViews {
  return { account: row?.account ?? undefined, plan: row?.plan ?? undefined };
}

const CONTEXT = viewColumns('$1', '$2');

/** The two read models the saga keeps from other modules' events: accounts (for mails) and plans (for builds). */
@Injectable()
export class SagaViewsRepository {
  /** Both read models in one round trip: the account to write to and the plan to build. */
  async context(manager: EntityManager, accountId: string, planId: string): Promise<KnownViews> {
    const [row] = await manager.query<ViewRow[]>(
      `SELECT ${CONTEXT.account} AS account, ${CONTEXT.plan} AS plan`,
      [accountId, planId],
    );
    return knownViews(row);
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
}
