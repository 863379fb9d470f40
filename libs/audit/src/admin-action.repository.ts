import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, LessThan } from 'typeorm';
import type { Principal } from '@app/platform';
import { AdminAction } from './entities/admin-action.entity.js';

export type NewAdminAction = Pick<AdminAction, 'action' | 'result'> &
  Partial<
    Pick<
      AdminAction,
      'targetRecordId' | 'targetEventId' | 'targetTopic' | 'orderId' | 'replayId' | 'reason' | 'detail' | 'at'
    >
  >;

/** The operators' trail: rows are added, never changed. */
@Injectable()
export class AdminActionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the action in the caller's transaction: it commits with the act it records. */
  async record(manager: EntityManager, principal: Principal, action: NewAdminAction): Promise<AdminAction> {
    const row = manager.create(AdminAction, {
      actorUserId: principal.userId,
      actorTenantId: principal.tenantId,
      actorRole: principal.role,
      ...action,
    });
    return manager.save(row);
  }

  /**
   * Records the action in a commit of its own: for an act with no transaction of audit's to join (an offset reset,
   * a refusal, a batch's summary).
   */
  recordAlone(principal: Principal, action: NewAdminAction): Promise<AdminAction> {
    return this.record(this.dataSource.manager, principal, action);
  }

  list(limit: number, before?: string): Promise<AdminAction[]> {
    return this.dataSource.manager.find(AdminAction, {
      where: before ? { id: LessThan(before) } : {},
      order: { id: 'DESC' },
      take: limit,
    });
  }

  wasRedriven(recordId: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(AdminAction, {
      targetRecordId: recordId,
      action: 'dlq.redrive',
      result: 'accepted',
    });
  }

  /** Actions on these log rows, oldest first. */
  onRecords(recordIds: string[]): Promise<AdminAction[]> {
    if (recordIds.length === 0) {
      return Promise.resolve([]);
    }
    return this.dataSource.manager.find(AdminAction, {
      where: { targetRecordId: In(recordIds) },
      order: { id: 'ASC' },
    });
  }
}
