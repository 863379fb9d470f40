import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipRateLimit } from '../auth/rate-limit.guard.js';
import { Public } from '../auth/auth.decorators.js';
import { KafkaHealthIndicator } from './kafka.health.js';

@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  /** Liveness: the event loop answers. Restarting will not fix a dependency outage, so nothing else is checked. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 3_000 }),
      () => this.kafka.isHealthy('kafka'),
      () => this.kafka.consumers('consumers'),
    ]);
  }
}
