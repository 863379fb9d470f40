import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app.config.js';
import { loggerOptions } from '../logging/logger.options.js';
import { MetricsController } from './metrics.controller.js';
import { claimHostMetrics, flushTelemetry, telemetryServiceName } from './telemetry.sdk.js';

/** Injects nestjs-otel's MetricService: `@Inject(METRIC_SERVICE) metrics: MetricService` (a type-only import). */
export const METRIC_SERVICE = Symbol('METRIC_SERVICE');

/**
 * Logs (nestjs-pino), metrics (nestjs-otel: its MetricService and the host metrics; GET /metrics) and the flush of
 * pending spans at shutdown, around the app's root module. The SDK itself is started before (createPlatformApp).
 */
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  /**
   * nestjs-otel is CommonJS requiring Nest's ES modules, which Jest's ESM loader cannot link in one static graph
   * with Nest itself: it is imported here, once Nest is loaded.
   */
  static async around(root: DynamicModule): Promise<DynamicModule> {
    const { OpenTelemetryModule, MetricService } = await import('nestjs-otel');
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        root,
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: loggerOptions(config.LOG_LEVEL, telemetryServiceName()),
          }),
        }),
        OpenTelemetryModule.forRoot({ metrics: { hostMetrics: claimHostMetrics() } }),
      ],
      controllers: [MetricsController],
      providers: [{ provide: METRIC_SERVICE, useExisting: MetricService }],
      exports: [METRIC_SERVICE],
    };
  }

  onApplicationShutdown(): Promise<void> {
    return flushTelemetry();
  }
}
