import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { EVENT_TYPES, dlqTopicName, topicName } from '@app/contracts';
import { createKafka } from '../kafka/kafka.factory.js';
import { LazyAdmin } from '../kafka/lazy-admin.js';
import { MESSAGING_SETTINGS, type MessagingSettings } from '../messaging.settings.js';

// kafkajs is CommonJS, and Node's ESM loader does not see this export by name.
const { ConfigResourceTypes } = kafkajs;

export interface TopicReport {
  created: string[];
  existing: string[];
  /** Topics that exist with another partition count than configured: reported, never altered silently. */
  mismatched: { topic: string; partitions: number; expected: number }[];
  /**
   * Topics with fewer replicas, or a lower min.insync.replicas, than configured: an acknowledged write there survives
   * less than the configuration promises. Reported, never altered silently (reassigning replicas is an operator's job).
   */
  underReplicated: {
    topic: string;
    replicas: number;
    minInsyncReplicas: number;
    expectedReplicas: number;
    expectedMinInsyncReplicas: number;
  }[];
}

/** A topic's layout and retention as the brokers apply them (the topic's own override, else the broker's default). */
export interface TopicSettings {
  topic: string;
  partitions: number;
  /** Replicas of the topic's least-replicated partition. */
  replicationFactor: number;
  minInsyncReplicas: number;
  /** How long records are kept; -1: for ever. */
  retentionMs: number;
  /** How many bytes a partition keeps; -1: no limit. */
  retentionBytes: number;
  cleanupPolicy: string;
}

export interface PartitionLag {
  partition: number;
  /** Next offset the group will read, or null if it never committed on this partition. */
  committedOffset: number | null;
  /** High watermark: the offset the next record written will get. */
  endOffset: number;
  /** Records retained but not yet read by the group. */
  lag: number;
}

export interface ConsumerGroupLag {
  groupId: string;
  lag: number;
  topics: { topic: string; partitions: PartitionLag[] }[];
}

/**
 * High watermark minus committed offset on every partition of the topics, as the broker sees it (a partition the
 * group never committed on counts everything retained). Shared by the admin API and the lag metric.
 */
export async function partitionLags(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<{ topic: string; partitions: PartitionLag[] }[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const ends = await Promise.all(committed.map(({ topic }) => admin.fetchTopicOffsets(topic)));
  return committed.map(({ topic, partitions }, i) => {
    const byPartition = new Map((ends[i] ?? []).map((o) => [o.partition, o]));
    const lags = partitions
      .map(({ partition, offset }): PartitionLag => {
        const end = byPartition.get(partition);
        const endOffset = Number(end?.high ?? 0);
        const low = Number(end?.low ?? 0);
        const committedOffset = Number(offset) >= 0 ? Number(offset) : null;
        const lag = Math.max(0, endOffset - Math.max(committedOffset ?? low, low));
        return { partition, committedOffset, endOffset, lag };
      })
      .sort((a, b) => a.partition - b.partition);
    return { topic, partitions: lags };
  });
}

/** Creates the catalog's topics (auto-creation is off on the broker) and answers the readiness probe. */
@Injectable()
export class TopicAdminService implements OnModuleDestroy {
  private readonly logger = new Logger(TopicAdminService.name);
  private readonly kafka: Kafka;
  private readonly admin: LazyAdmin;

  constructor(@Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings) {
    this.kafka = createKafka(settings, 'admin');
    this.admin = new LazyAdmin(this.kafka);
  }

  catalogTopics(): string[] {
    const prefix = this.settings.topicPrefix;
    return EVENT_TYPES.flatMap((type) => [topicName(type, prefix), dlqTopicName(type, prefix)]);
  }

  async ensureTopics(topics: string[] = this.catalogTopics()): Promise<TopicReport> {
    const admin = await this.admin.connected();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: this.settings.partitions,
            replicationFactor: this.settings.replicationFactor,
            configEntries: [
              { name: 'min.insync.replicas', value: String(this.minInsyncReplicas) },
              // A replica that fell out of sync never leads: it could lose acknowledged records.
              { name: 'unclean.leader.election.enable', value: 'false' },
            ],
          })),
        });
      } catch (error) {
        // kafkajs checks the new topics' metadata itself and gives up early on a busy broker (or another instance
        // created them first); the wait below is what decides.
        this.logger.warn(`creating topics: ${(error as Error).message}; waiting for them to appear`);
      }
      await this.waitForLeaders(admin, missing);
    }
    const present = topics.filter((t) => existing.has(t));
    const mismatched: TopicReport['mismatched'] = [];
    if (present.length > 0) {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: present });
      for (const t of described) {
        if (t.partitions.length !== this.settings.partitions) {
          mismatched.push({
            topic: t.name,
            partitions: t.partitions.length,
            expected: this.settings.partitions,
          });
        }
      }
    }
    for (const m of mismatched) {
      this.logger.warn(`Topic ${m.topic} has ${m.partitions} partitions, configured ${m.expected}`);
    }
    const underReplicated = await this.underReplicated(admin, topics).catch((error: Error) => {
      // Reported, not enforced (as partition counts): a user without DescribeConfigs still starts.
      this.logger.warn(`could not check the replication of the topics: ${error.message}`);
      return [];
    });
    for (const u of underReplicated) {
      this.logger.warn(
        `Topic ${u.topic} has ${u.replicas} replicas and min.insync.replicas=${u.minInsyncReplicas}, ` +
          `configured ${u.expectedReplicas} and ${u.expectedMinInsyncReplicas}`,
      );
    }
    return { created: missing, existing: present, mismatched, underReplicated };
  }

  private get minInsyncReplicas(): number {
    return this.settings.minInsyncReplicas ?? 1;
  }

  /** Topics whose replication or min.insync.replicas is below the configured values. */
  private async underReplicated(admin: Admin, topics: string[]): Promise<TopicReport['underReplicated']> {
    if (topics.length === 0) {
      return [];
    }
    const { topics: described } = await admin.fetchTopicMetadata({ topics });
    const replicas = new Map(
      described.map((t) => [t.name, Math.min(...t.partitions.map((p) => p.replicas.length))]),
    );
    const minInsync = await this.topicConfig(topics, 'min.insync.replicas');
    const found: TopicReport['underReplicated'] = [];
    for (const topic of topics) {
      const configured = Number(minInsync.get(topic) ?? 1);
      const count = replicas.get(topic) ?? 0;
      if (count < this.settings.replicationFactor || configured < this.minInsyncReplicas) {
        found.push({
          topic,
          replicas: count,
          minInsyncReplicas: configured,
          expectedReplicas: this.settings.replicationFactor,
          expectedMinInsyncReplicas: this.minInsyncReplicas,
        });
      }
    }
    return found.sort((a, b) => a.topic.localeCompare(b.topic));
  }

  /**
   * kafkajs's own wait gives up after a few seconds, which a busy broker creating dozens of topics can exceed: poll
   * the metadata until every partition has a leader, for up to a minute.
   */
  private async waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: described } = await admin.fetchTopicMetadata({ topics });
        const leaderless = described.filter((t) => t.partitions.some((p) => p.leader < 0));
        if (described.length === topics.length && leaderless.length === 0) {
          return;
        }
      } catch (error) {
        if (Date.now() > deadline) {
          throw error;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`topics have no leader after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Each partition of the topics with its leader, replicas and in-sync replicas (broker ids), as the cluster sees it. */
  async partitionsOf(
    topics: string[],
  ): Promise<{ topic: string; partition: number; leader: number; replicas: number[]; isr: number[] }[]> {
    const admin = await this.admin.connected();
    const { topics: described } = await admin.fetchTopicMetadata({ topics });
    return described.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionId,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
      })),
    );
  }

  /** One configuration value of each topic (e.g. min.insync.replicas), as the brokers apply it. */
  async topicConfig(topics: string[], name: string): Promise<Map<string, string | undefined>> {
    const configs = await this.topicConfigs(topics, [name]);
    return new Map([...configs].map(([topic, values]) => [topic, values.get(name)]));
  }

  /** Partitions, replication and retention of each topic that exists; a topic the cluster lacks is left out. */
  async topicSettings(topics: string[]): Promise<TopicSettings[]> {
    const admin = await this.admin.connected();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) {
      return [];
    }
    const { topics: described } = await admin.fetchTopicMetadata({ topics: present });
    const configs = await this.topicConfigs(present, [
      'min.insync.replicas',
      'retention.ms',
      'retention.bytes',
      'cleanup.policy',
    ]);
    return described.map((t): TopicSettings => {
      const config = configs.get(t.name);
      return {
        topic: t.name,
        partitions: t.partitions.length,
        replicationFactor: Math.min(...t.partitions.map((p) => p.replicas.length)),
        minInsyncReplicas: Number(config?.get('min.insync.replicas') ?? 1),
        retentionMs: Number(config?.get('retention.ms') ?? -1),
        retentionBytes: Number(config?.get('retention.bytes') ?? -1),
        cleanupPolicy: config?.get('cleanup.policy') ?? 'delete',
      };
    });
  }

  private async topicConfigs(
    topics: string[],
    names: string[],
  ): Promise<Map<string, Map<string, string | undefined>>> {
    const admin = await this.admin.connected();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((topic) => ({
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: names,
      })),
    });
    return new Map(
      resources.map((r) => [
        r.resourceName,
        new Map(names.map((name) => [name, r.configEntries.find((e) => e.configName === name)?.configValue])),
      ]),
    );
  }

  /** The ids of the brokers the cluster has registered now. */
  async brokerIds(): Promise<number[]> {
    const admin = await this.admin.connected();
    return (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  }

  /** Readiness: the cluster answers metadata requests and has a controller. */
  async ping(): Promise<{ brokers: number; controller: number | null }> {
    const admin = await this.admin.connected();
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.admin.connected();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) {
      await admin.deleteTopics({ topics: present, timeout: 30_000 });
    }
  }

  /** Rewinds a group (which must have no live members) to the start of a topic. */
  async resetOffsetsToEarliest(groupId: string, topic: string): Promise<void> {
    const admin = await this.admin.connected();
    await admin.resetOffsets({ groupId, topic, earliest: true });
  }

  /** Forgets groups (which must have no live members) with their committed offsets: a group of that name starts afresh. */
  async deleteGroups(groupIds: string[]): Promise<void> {
    const admin = await this.admin.connected();
    await admin.deleteGroups(groupIds);
  }

  /**
   * How far a group is behind on each partition. Without topics: the topics the group has committed offsets on.
   * With topics: those (a partition never committed counts everything retained as lag); empty topics are left out.
   */
  async consumerLag(groupId: string, topics?: string[]): Promise<ConsumerGroupLag> {
    const admin = await this.admin.connected();
    const existing = new Set(await admin.listTopics());
    // Without topics the broker names only partitions with a commit: ask again for every partition of those
    // topics. A group may still hold offsets of topics deleted since, which have no end offset to compare with.
    const named =
      topics?.filter((t) => existing.has(t)) ??
      [...new Set((await admin.fetchOffsets({ groupId })).map((c) => c.topic))].filter((t) =>
        existing.has(t),
      );
    if (named.length === 0) {
      return { groupId, lag: 0, topics: [] };
    }
    const report: ConsumerGroupLag = { groupId, lag: 0, topics: [] };
    for (const { topic, partitions: lags } of await partitionLags(admin, groupId, named)) {
      if (lags.some((p) => p.endOffset > 0 || p.committedOffset !== null)) {
        report.topics.push({ topic, partitions: lags });
        report.lag += lags.reduce((sum, p) => sum + p.lag, 0);
      }
    }
    report.topics.sort((a, b) => a.topic.localeCompare(b.topic));
    return report;
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin.close();
  }
}
