import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SagaEnvironment } from './order-saga.definition.js';

/** The two read models the saga keeps from other modules' events: accounts (for mails) and plans (for builds). */
@Injectable()
export class SagaViewsRepository {
  /** Both read models in one round trip: the account to write to and the plan to build. */
  async context(manager: EntityManager, accountId: string, planId: string) {
    const [row] = await manager.query<
      { account: SagaEnvironment['account'] | null; plan: SagaEnvironment['plan'] | null }[]
    >(
      `SELECT (SELECT json_build_object('email', email, 'name', name)
                 FROM saga.account_view WHERE account_id = $1) AS account,
              (SELECT json_build_object('vcpus', vcpus, 'memoryMb', memory_mb, 'diskGb', disk_gb)
                 FROM saga.plan_view WHERE plan_id = $2) AS plan`,
      [accountId, planId],
    );
    return {
      account: row?.account ?? undefined,
      plan: row?.plan ?? undefined,
    } satisfies Partial<SagaEnvironment>;
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
