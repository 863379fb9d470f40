import { Controller, Get, Logger } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SkipRateLimit } from '../auth/rate-limit.guard.js';
import { Public } from '../auth/auth.decorators.js';
import { KafkaHealthIndicator } from './kafka.health.js';

@Public()
@SkipRateLimit()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

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
      () => this.withoutErrorText('postgres', this.db.pingCheck('postgres', { timeout: 3_000 })),
      () => this.withoutErrorText('kafka', this.kafka.isHealthy('kafka')),
      () => this.kafka.consumers('consumers'),
    ]);
  }

  /**
   * The probe is public: a dependency's error text (host names, user names, driver messages) goes to the log, the
   * answer says only that the dependency is unreachable.
   */
  private async withoutErrorText(
    key: string,
    check: PromiseLike<HealthIndicatorResult>,
  ): Promise<HealthIndicatorResult> {
    let details: unknown;
    try {
      const result = await check;
      if (result[key]?.status === 'up') {
        return result;
      }
      details = result[key];
    } catch (error) {
      details = error instanceof Error ? error.message : String(error);
    }
    this.logger.warn(`readiness: ${key} is down: ${JSON.stringify(details)}`);
    return { [key]: { status: 'down', message: 'unreachable' } };
  }
}
