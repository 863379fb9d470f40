import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { stoppedConsumers, TopicAdminService } from '@app/messaging';

@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly topics: TopicAdminService,
  ) {}

  /** Down while a consumer group of this process is stopped (kafkajs gave up on it; it is being started again). */
  consumers(key: string): HealthIndicatorResult {
    const check = this.indicator.check(key);
    const stopped = stoppedConsumers();
    return stopped.length === 0 ? check.up() : check.down({ stopped });
  }

  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(key);
    try {
      const cluster = await withTimeout(this.topics.ping(), 3_000);
      return check.up({ brokers: cluster.brokers, controller: cluster.controller });
    } catch (error) {
      return check.down({ error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
