import { EVENT_TYPES } from '@app/contracts';
import { type MessagingSettings, TopicAdminService } from '@app/messaging';
import { uniquePrefix } from '../support/isolation.js';

describe(TopicAdminService.name, () => {
  const prefix = uniquePrefix('topics');
  const settings = (partitions: number): MessagingSettings => ({
    brokers: ['127.0.0.1:9092'],
    clientId: 'topics-test',
    topicPrefix: prefix,
    partitions,
    replicationFactor: 1,
    partitionsConcurrency: 1,
  });
  const admin = new TopicAdminService(settings(6));

  afterAll(async () => {
    await admin.deleteTopics(admin.catalogTopics());
    await admin.onModuleDestroy();
  });

  it('creates a topic and a DLQ per catalog event, then reports a partition-count mismatch', async () => {
    const first = await admin.ensureTopics();
    expect(first.created).toHaveLength(EVENT_TYPES.length * 2);
    expect(first.created).toContain(`${prefix}order.created`);
    expect(first.created).toContain(`${prefix}order.created.dlq`);
    expect(first.mismatched).toEqual([]);

    const again = await admin.ensureTopics();
    expect(again.created).toEqual([]);
    expect(again.existing).toHaveLength(EVENT_TYPES.length * 2);

    const otherConfig = new TopicAdminService(settings(3));
    try {
      const report = await otherConfig.ensureTopics();
      expect(report.created).toEqual([]);
      expect(report.mismatched).toContainEqual({
        topic: `${prefix}order.created`,
        partitions: 6,
        expected: 3,
      });
      expect(report.mismatched).toHaveLength(EVENT_TYPES.length * 2);
    } finally {
      await otherConfig.onModuleDestroy();
    }
  });
});
