import { Inject, Injectable } from '@nestjs/common';
import { allTopics, SOURCE_MODULES } from '@app/contracts';
import {
  type ConsumerGroupLag,
  defineDomain,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  TopicAdminService,
} from '@app/messaging';
import { auditLogGroupId } from './audit-log.tap.js';

/** How far behind every consumer group of this environment is: each domain's group and the log tap. */
@Injectable()
export class ConsumerLagService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly topics: TopicAdminService,
  ) {}

  async lag(): Promise<{ groups: ConsumerGroupLag[] }> {
    const prefix = this.settings.topicPrefix;
    const domains = SOURCE_MODULES.map((name) => prefix + defineDomain(name).groupId);
    const groups = await Promise.all([
      ...domains.map((groupId) => this.topics.consumerLag(groupId)),
      this.topics.consumerLag(auditLogGroupId(prefix), allTopics(prefix)),
    ]);
    return { groups };
  }
}
