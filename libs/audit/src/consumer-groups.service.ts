import { Inject, Injectable } from '@nestjs/common';
import { SOURCE_MODULES } from '@app/contracts';
import {
  ConsumerGroupAdminService,
  type ConsumerGroupState,
  defineDomain,
  GroupActiveError,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  type OffsetMove,
  type OffsetTarget,
  type PartitionPosition,
} from '@app/messaging';
import type { Principal } from '@app/platform';
import { AdminActionRepository } from './admin-action.repository.js';
import { auditLogGroups } from './audit-log.tap.js';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import type { ResetOffsetsDto } from './dto/reset-offsets.dto.js';

export interface ConsumerGroupView extends ConsumerGroupState {
  lag: number;
  partitions: PartitionPosition[];
}

export interface OffsetResetView {
  groupId: string;
  dryRun: boolean;
  target: ResetOffsetsDto['to'];
  reconsumed: number;
  skipped: number;
  partitions: OffsetMove[];
  /** The admin action recording it (not for a dry run). */
  actionId: string | null;
}

/**
 * The console's consumer groups (kafbat UI's view): members and their partitions, committed and end offsets, lag,
 * and moving a group's offsets while it has no member. Re-consumed records are harmless: each consumer's inbox
 * skips what it already handled.
 */
@Injectable()
export class ConsumerGroupsService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly groups: ConsumerGroupAdminService,
    private readonly actions: AdminActionRepository,
  ) {}

  private get prefix(): string {
    return this.settings.topicPrefix;
  }

  /**
   * The environment's groups on the broker, and the app's own (each domain's and the log tap's) even when the broker
   * has none of that name yet: a consumer that never joined shows as Dead without offsets, not as nothing.
   */
  async list(): Promise<{ groups: ConsumerGroupView[] }> {
    const own = [
      ...SOURCE_MODULES.map((name) => this.prefix + defineDomain(name).groupId),
      ...auditLogGroups(this.prefix).map((g) => g.groupId),
    ];
    const ids = [...new Set([...(await this.groups.list(this.prefix)), ...own])].sort();
    return { groups: await Promise.all(ids.map((id) => this.view(id))) };
  }

  async get(groupId: string): Promise<ConsumerGroupView> {
    this.ownGroup(groupId);
    const view = await this.view(groupId);
    if (view.state === 'Dead' && view.partitions.length === 0) {
      throw new AuditException(AuditErrorCode.GroupNotFound, `no consumer group ${groupId}`);
    }
    return view;
  }

  async resetOffsets(principal: Principal, groupId: string, dto: ResetOffsetsDto): Promise<OffsetResetView> {
    const group = await this.get(groupId);
    const dryRun = dto.dryRun !== false;
    const topics = (dto.topics ?? [...new Set(group.partitions.map((p) => p.topic))]).map((t) =>
      t.startsWith(this.prefix) ? t : this.prefix + t,
    );
    if (topics.length === 0) {
      throw new AuditException(
        AuditErrorCode.InvalidFilter,
        `group ${groupId} has no committed offsets to move`,
      );
    }
    const target = targetOf(dto);
    const action = {
      action: 'consumers.reset_offsets' as const,
      targetTopic: topics.join(','),
      reason: dto.reason ?? null,
    };
    let moves: OffsetMove[];
    try {
      moves = await this.groups.moveOffsets(groupId, topics, target, !dryRun);
    } catch (error) {
      if (error instanceof GroupActiveError) {
        if (!dryRun) {
          await this.actions.recordAlone(principal, {
            ...action,
            result: 'refused',
            detail: error.message,
          });
        }
        throw new AuditException(AuditErrorCode.GroupActive, error.message);
      }
      throw error;
    }
    const view: OffsetResetView = {
      groupId,
      dryRun,
      target: dto.to,
      reconsumed: moves.reduce((sum, m) => sum + m.reconsumed, 0),
      skipped: moves.reduce((sum, m) => sum + m.skipped, 0),
      partitions: moves,
      actionId: null,
    };
    if (!dryRun) {
      const moved = moves
        .filter((m) => m.targetOffset !== m.committedOffset)
        .map((m) => `${m.topic}/${m.partition}: ${m.committedOffset ?? 'none'} → ${m.targetOffset}`);
      const recorded = await this.actions.recordAlone(principal, {
        ...action,
        result: 'accepted',
        detail:
          `${groupId} to ${describe(target)}: ${view.reconsumed} to re-consume, ${view.skipped} skipped; ${moved.join('; ') || 'nothing moved'}`.slice(
            0,
            4_000,
          ),
      });
      view.actionId = recorded.id;
    }
    return view;
  }

  private async view(groupId: string): Promise<ConsumerGroupView> {
    const state = await this.groups.describe(groupId);
    const assigned = state.members.flatMap((m) => m.assignment.map((a) => a.topic));
    const committed = await this.groups.positions(groupId);
    const topics = [...new Set([...committed.map((p) => p.topic), ...assigned])];
    const partitions = assigned.length > 0 ? await this.groups.positions(groupId, topics) : committed;
    return { ...state, lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
  }

  /** Groups of other environments sharing the broker are not this console's to show or move. */
  private ownGroup(groupId: string): void {
    if (!groupId.startsWith(this.prefix)) {
      throw new AuditException(AuditErrorCode.GroupNotFound, `${groupId} is not a group of this environment`);
    }
  }
}

function targetOf(dto: ResetOffsetsDto): OffsetTarget {
  switch (dto.to) {
    case 'time':
      return { to: 'time', time: new Date(dto.time ?? '') };
    case 'offset':
      return { to: 'offset', offset: dto.offset ?? 0 };
    default:
      return { to: dto.to };
  }
}

function describe(target: OffsetTarget): string {
  switch (target.to) {
    case 'time':
      return `the first record at ${target.time.toISOString()}`;
    case 'offset':
      return `offset ${target.offset}`;
    default:
      return target.to;
  }
}
