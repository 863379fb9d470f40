import { Inject, Injectable } from '@nestjs/common';
import { SOURCE_MODULES } from '@app/contracts';
import {
  type ConsumerGroupLag,
  defineDomain,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  TopicAdminService,
} from '@app/messaging';
import { auditLogGroups } from './audit-log.tap.js';

/** How far behind every consumer group of this environment is: each domain's group and the log tap's two. */
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
      ...auditLogGroups(prefix).map(({ groupId, topics }) => this.topics.consumerLag(groupId, topics)),
    ]);
    return { groups };
  }
}
