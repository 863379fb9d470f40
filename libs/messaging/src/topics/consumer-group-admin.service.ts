import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import kafkajs, { type Kafka } from 'kafkajs';
import { createKafka } from '../kafka/kafka.factory.js';
import { LazyAdmin } from '../kafka/lazy-admin.js';
import { MESSAGING_SETTINGS, type MessagingSettings } from '../messaging.settings.js';
import { partitionLags, type PartitionLag } from './topic-admin.service.js';

// kafkajs is CommonJS, and Node's ESM loader does not see this export by name.
const { AssignerProtocol } = kafkajs;

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface ConsumerGroupState {
  groupId: string;
  /** The broker's word: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  state: string;
  members: GroupMember[];
}

export interface PartitionPosition extends PartitionLag {
  topic: string;
}

/** Where to move a group's committed offsets to. */
export type OffsetTarget =
  { to: 'earliest' } | { to: 'latest' } | { to: 'time'; time: Date } | { to: 'offset'; offset: number };

export interface OffsetMove extends PartitionPosition {
  targetOffset: number;
  /** Records the group reads again (moving back) … */
  reconsumed: number;
  /** … or leaves unread (moving forward). */
  skipped: number;
}

/** A group has members: its offsets cannot be moved (the broker would refuse, and they would commit over them). */
export class GroupActiveError extends Error {
  override readonly name = 'GroupActiveError';
  constructor(readonly group: ConsumerGroupState) {
    super(
      `group ${group.groupId} is ${group.state} with ${group.members.length} member(s) (${group.members
        .map((m) => m.clientId)
        .join(', ')}): stop them first`,
    );
  }
}

/**
 * Consumer groups as the broker sees them, for the operators' console: members and their partitions, committed and
 * end offsets, and moving a group's offsets while it has no member. kafkajs stays behind this class.
 */
@Injectable()
export class ConsumerGroupAdminService implements OnModuleDestroy {
  private readonly kafka: Kafka;
  private readonly admin: LazyAdmin;

  constructor(@Inject(MESSAGING_SETTINGS) settings: MessagingSettings) {
    this.kafka = createKafka(settings, 'groups');
    this.admin = new LazyAdmin(this.kafka);
  }

  /** Every group whose id starts with the prefix (one environment's groups). */
  async list(prefix: string): Promise<string[]> {
    const admin = await this.admin.connected();
    const { groups } = await admin.listGroups();
    return groups
      .map((g) => g.groupId)
      .filter((id) => id.startsWith(prefix))
      .sort();
  }

  async describe(groupId: string): Promise<ConsumerGroupState> {
    const admin = await this.admin.connected();
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    return {
      groupId,
      state: group?.state ?? 'Dead',
      members: (group?.members ?? []).map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: assignmentOf(m.memberAssignment),
      })),
    };
  }

  /** Committed offset, end offset and lag of every partition of the topics (or of those the group committed on). */
  async positions(groupId: string, topics?: string[]): Promise<PartitionPosition[]> {
    const admin = await this.admin.connected();
    const existing = new Set(await admin.listTopics());
    const named = (
      topics ?? [...new Set((await admin.fetchOffsets({ groupId })).map((c) => c.topic))]
    ).filter((t) => existing.has(t));
    if (named.length === 0) {
      return [];
    }
    return (await partitionLags(admin, groupId, named))
      .flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p })))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * What moving the group's offsets on these topics to the target would do, per partition; with `apply`, does it.
   * Refused (GroupActiveError) while the group has members, checked again right before the move.
   */
  async moveOffsets(
    groupId: string,
    topics: string[],
    target: OffsetTarget,
    apply: boolean,
  ): Promise<OffsetMove[]> {
    const before = await this.describe(groupId);
    if (before.members.length > 0) {
      throw new GroupActiveError(before);
    }
    const admin = await this.admin.connected();
    const positions = await this.positions(groupId, topics);
    const moves: OffsetMove[] = [];
    for (const topic of [...new Set(positions.map((p) => p.topic))]) {
      const ends = await admin.fetchTopicOffsets(topic);
      const atTime =
        target.to === 'time' ? await admin.fetchTopicOffsetsByTimestamp(topic, target.time.getTime()) : [];
      for (const position of positions.filter((p) => p.topic === topic)) {
        const end = ends.find((e) => e.partition === position.partition);
        const low = Number(end?.low ?? 0);
        const high = Number(end?.high ?? 0);
        const wanted =
          target.to === 'earliest'
            ? low
            : target.to === 'latest'
              ? high
              : target.to === 'offset'
                ? target.offset
                : Number(atTime.find((o) => o.partition === position.partition)?.offset ?? high);
        // Kafka answers -1 for a time after the last record: the group would read nothing, i.e. the end.
        const targetOffset = Math.min(Math.max(wanted < 0 ? high : wanted, low), high);
        const from = Math.max(position.committedOffset ?? low, low);
        moves.push({
          ...position,
          targetOffset,
          reconsumed: Math.max(0, from - targetOffset),
          skipped: Math.max(0, targetOffset - from),
        });
      }
    }
    if (apply) {
      const now = await this.describe(groupId);
      if (now.members.length > 0) {
        throw new GroupActiveError(now);
      }
      for (const topic of [...new Set(moves.map((m) => m.topic))]) {
        await admin.setOffsets({
          groupId,
          topic,
          partitions: moves
            .filter((m) => m.topic === topic)
            .map((m) => ({ partition: m.partition, offset: String(m.targetOffset) })),
        });
      }
    }
    return moves;
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin.close();
  }
}

function assignmentOf(raw: Buffer): { topic: string; partitions: number[] }[] {
  if (raw.length === 0) {
    return [];
  }
  const decoded = AssignerProtocol.MemberAssignment.decode(raw);
  return Object.entries(decoded?.assignment ?? {})
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
    .sort((a, b) => a.topic.localeCompare(b.topic));
}
