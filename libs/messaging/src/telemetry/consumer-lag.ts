import type { Admin, Kafka } from 'kafkajs';
import { partitionLags } from '../topics/topic-admin.service.js';
import type { LagSample } from './messaging.metrics.js';

/**
 * A group's lag as the broker sees it: high watermark minus committed offset, per partition (a partition the group
 * never committed on counts everything retained). Its admin connection opens at the first scrape.
 */
export class ConsumerLagProbe {
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: Kafka) {}

  async measure(groupId: string, topics: string[]): Promise<LagSample[]> {
    const lags = await partitionLags(await this.connected(), groupId, topics);
    return lags.flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, lag }) => ({ topic, partition, lag })),
    );
  }

  async close(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    this.admin = undefined;
    await admin?.disconnect();
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw error;
        },
      );
    }
    return this.admin;
  }
}
