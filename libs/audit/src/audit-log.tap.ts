import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { allTopics } from '@app/contracts';
import {
  MESSAGING_SETTINGS,
  type MessagingSettings,
  RecordTap,
  TopicAdminService,
  type TappedRecord,
} from '@app/messaging';
import { toLogRow } from './event-log.record.js';
import { EventLogRepository } from './event-log.repository.js';

/** Consumer group of the log tap: one per environment, beside the domains' groups. */
export const auditLogGroupId = (topicPrefix: string): string => `${topicPrefix}platforma.audit.log`;

/**
 * Feeds audit.event_log from the broker: every event topic of the environment and its DLQ, from the beginning,
 * each record once (re-reads after a crash or rebalance insert nothing). Offsets move only after the rows
 * committed; while the database is down the tap waits and retries the same records.
 */
@Injectable()
export class AuditLogTap implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditLogTap.name);
  private tap?: RecordTap;

  constructor(
    private readonly log: EventLogRepository,
    @Optional() @Inject(MESSAGING_SETTINGS) private readonly settings?: MessagingSettings,
    @Optional() private readonly topics?: TopicAdminService,
  ) {}

  get groupId(): string | undefined {
    return this.tap?.groupId;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings || !this.topics) {
      this.logger.warn('messaging is not configured in this process: the event log is not fed');
      return;
    }
    const prefix = this.settings.topicPrefix;
    const topics = allTopics(prefix);
    // Normally created already at start-up; subscribing to a missing topic would fail.
    await this.topics.ensureTopics(topics);
    const tap = new RecordTap(this.settings, {
      groupId: auditLogGroupId(prefix),
      topics,
      handler: (records) => this.store(prefix, records),
      // Every topic (88 with their DLQs) is many partitions: a fetch per event would cost more than the event.
      // The log may trail by up to a second; its rows are stamped with the record's own time.
      fetch: { minBytes: 256 * 1024, maxWaitTimeInMs: 1_000 },
      // A fetch brings a batch from each partition that moved: stored together, in one INSERT and one commit.
      partitionsConcurrency: 128,
    });
    await tap.start();
    this.tap = tap;
  }

  private async store(prefix: string, records: TappedRecord[]): Promise<void> {
    const now = new Date();
    await this.log.append(records.map((r) => toLogRow(r, prefix, now)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    const tap = this.tap;
    this.tap = undefined;
    await tap?.stop();
  }
}
