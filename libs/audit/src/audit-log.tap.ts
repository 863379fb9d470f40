import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { allTopics, dlqTopicName, EVENT_TYPES, topicName } from '@app/contracts';
import {
  MESSAGING_SETTINGS,
  type MessagingSettings,
  RecordTap,
  TopicAdminService,
  type TappedRecord,
} from '@app/messaging';
import { toLogRow } from './event-log.record.js';
import { EventLogRepository } from './event-log.repository.js';

/** Consumer group of the log tap over the event topics: one per environment, beside the domains' groups. */
export const auditLogGroupId = (topicPrefix: string): string => `${topicPrefix}platforma.audit.log`;

/** Consumer group of the log tap over the DLQs. */
export const auditDeadLetterLogGroupId = (topicPrefix: string): string =>
  `${topicPrefix}platforma.audit.log.dlq`;

/**
 * The log tap's two groups and the topics each reads. A waiting fetch costs the broker a pass over every partition
 * it names each time any of them gets a record; the DLQs, which rarely do, wait in a fetch of their own, so an
 * event's record is checked against the event topics' partitions alone.
 */
export function auditLogGroups(topicPrefix: string): { groupId: string; topics: string[] }[] {
  return [
    { groupId: auditLogGroupId(topicPrefix), topics: EVENT_TYPES.map((t) => topicName(t, topicPrefix)) },
    {
      groupId: auditDeadLetterLogGroupId(topicPrefix),
      topics: EVENT_TYPES.map((t) => dlqTopicName(t, topicPrefix)),
    },
  ];
}

/**
 * Feeds audit.event_log from the broker: every event topic of the environment and its DLQ (two groups, see
 * auditLogGroups), from the beginning,
 * each record once (re-reads after a crash or rebalance insert nothing). Offsets move only after the rows
 * committed; while the database is down the tap waits and retries the same records.
 */
@Injectable()
export class AuditLogTap implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditLogTap.name);
  private taps: RecordTap[] = [];

  constructor(
    private readonly log: EventLogRepository,
    @Optional() @Inject(MESSAGING_SETTINGS) private readonly settings?: MessagingSettings,
    @Optional() private readonly topics?: TopicAdminService,
  ) {}

  /** The taps' consumer groups, once they run. */
  get groupIds(): string[] {
    return this.taps.map((t) => t.groupId);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings || !this.topics) {
      this.logger.warn('messaging is not configured in this process: the event log is not fed');
      return;
    }
    const settings = this.settings;
    const prefix = settings.topicPrefix;
    // Normally created already at start-up; subscribing to a missing topic would fail.
    await this.topics.ensureTopics(allTopics(prefix));
    for (const { groupId, topics } of auditLogGroups(prefix)) {
      const tap = new RecordTap(settings, {
        groupId,
        topics,
        handler: (records) => this.store(prefix, records),
        // 44 topics are many partitions: a fetch per event would cost more than the event. The log may trail by
        // up to a second; its rows are stamped with the record's own time.
        fetch: { minBytes: 256 * 1024, maxWaitTimeInMs: 1_000 },
        // A fetch brings a batch from each partition that moved: stored together, in one INSERT and one commit.
        partitionsConcurrency: 128,
      });
      await tap.start();
      this.taps.push(tap);
    }
  }

  private async store(prefix: string, records: TappedRecord[]): Promise<void> {
    const now = new Date();
    await this.log.append(records.map((r) => toLogRow(r, prefix, now)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const taps = this.taps;
    this.taps = [];
    await Promise.all(taps.map((t) => t.stop()));
  }
}
