import { type INestApplication, Logger, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger as JsonLogger } from 'nestjs-pino';
import { ConsumerFactory, type DomainDescriptor, TopicAdminService } from '@app/messaging';
import { AppConfig } from '../config/app.config.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { ProblemFilter } from '../http/problem.filter.js';
import { PlatformModule } from './platform.module.js';
import { httpTelemetry } from '../telemetry/http-telemetry.middleware.js';
import { ObservabilityModule } from '../telemetry/observability.module.js';
import { serviceNameOf, startTelemetry } from '../telemetry/telemetry.sdk.js';

export interface DomainRegistration {
  domain: DomainDescriptor;
  module: Type;
}

export interface AppDefinition {
  /** 'platforma' for the monolith, the module name for a split app. */
  name: string;
  domains: DomainRegistration[];
  /** Modules served beside the domains that are no domain themselves (no consumer, no schema): the monolith's portal. */
  modules?: Type[];
}

/** JSON keys naming a member of Object.prototype (and "prototype"): no request body of ours has one. */
const SHADOWING_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Refuses with 400 (the body parser reports it as a parse error) what would otherwise get through unseen:
 * - a key shadowing Object.prototype, which the validation pipe drops silently (it strips __proto__, constructor and
 *   prototype; class-transformer skips toString & co.), accepting the body as if the key were not there;
 * - a NUL character in a string, which PostgreSQL text cannot hold (the INSERT would fail with a 500).
 */
function refuseUnstorable(key: string, value: unknown): unknown {
  if (SHADOWING_KEYS.has(key)) {
    throw new SyntaxError(`property name "${key}" is not allowed`);
  }
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new SyntaxError(`property ${JSON.stringify(key.slice(0, 64))} holds a NUL character`);
  }
  return value;
}

/**
 * Builds the hybrid app (HTTP + one Kafka consumer per domain) without listening, so tests can drive it too. The
 * environment is validated before Nest starts, so a bad variable fails fast with its name.
 */
export async function createPlatformApp(
  definition: AppDefinition,
  env = process.env,
): Promise<INestApplication> {
  const config = loadConfig(env);
  // Before Nest builds anything; a no-op when the process (or a test) started telemetry already.
  startTelemetry({
    serviceName: config.OTEL_SERVICE_NAME || serviceNameOf(definition.name),
    tracesExporter: config.OTEL_TRACES_EXPORTER,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    await ObservabilityModule.around(
      PlatformModule.forDomains(
        [...definition.domains.map((d) => d.module), ...(definition.modules ?? [])],
        config,
      ),
    ),
    {
      bufferLogs: true,
      abortOnError: false,
      bodyParser: false,
      rawBody: true,
    },
  );
  app.useLogger(app.get(JsonLogger));
  // request.ip, which the rate limits and failed-login counting key on, is the gateway's address unless this says
  // which forwarded hops to believe.
  app.set('trust proxy', config.trustProxy);
  app.use(helmet());
  if (config.corsOrigins.length > 0) {
    // Pages on other origins (the portal's static build on a provider's own domain) call the API with a bearer
    // token, never with cookies: no credentials mode.
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID'],
      exposedHeaders: ['Idempotent-Replayed', 'Retry-After'],
      maxAge: 600,
    });
  }
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT, reviver: refuseUnstorable });
  // After the body parser, whose callbacks would otherwise leave the request's trace and log context.
  app.use(httpTelemetry());
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  if (config.DOCS_ENABLED) {
    const openApi = new DocumentBuilder()
      .setTitle('PLATFORMA')
      .setDescription('Storefront and admin API of PLATFORMA. Errors are RFC 9457 problem+json.')
      .setVersion('1')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
      jsonDocumentUrl: 'docs-json',
    });
  }
  // Topics first: broker auto-creation is off and consumers subscribe at start-up.
  await app.get(TopicAdminService).ensureTopics();
  const consumers = app.get(ConsumerFactory);
  for (const { domain } of definition.domains) {
    app.connectMicroservice({ strategy: consumers.create(domain) }, { inheritAppConfig: true });
  }
  await app.startAllMicroservices();
  return app;
}

/** Entry point of the monolith and of every split app. */
export async function bootstrap(definition: AppDefinition): Promise<void> {
  const logger = new Logger(definition.name);
  try {
    const app = await createPlatformApp(definition);
    const config = app.get(AppConfig);
    await app.listen(config.PORT, config.HOST);
    logger.log(`${definition.name} listening on ${config.HOST}:${config.PORT}`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
    } else {
      logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    process.exit(1);
  }
}
