import type { Kafka } from 'kafkajs';
import { LazyAdmin } from '../kafka/lazy-admin.js';
import { partitionLags } from '../topics/topic-admin.service.js';
import type { LagSample } from './messaging.metrics.js';

/**
 * A group's lag as the broker sees it: high watermark minus committed offset, per partition (a partition the group
 * never committed on counts everything retained). Its admin connection opens at the first scrape.
 */
export class ConsumerLagProbe {
  private readonly admin: LazyAdmin;

  constructor(kafka: Kafka) {
    this.admin = new LazyAdmin(kafka);
  }

  async measure(groupId: string, topics: string[]): Promise<LagSample[]> {
    const lags = await partitionLags(await this.admin.connected(), groupId, topics);
    return lags.flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, lag }) => ({ topic, partition, lag })),
    );
  }

  close(): Promise<void> {
    return this.admin.close();
  }
}
