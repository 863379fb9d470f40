import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

let created: Instrumentation[] | undefined;

/**
 * The library instrumentations, one set per process (the preload and the SDK share it). Each adds child spans to a
 * trace that is already running, never a trace of its own: the relay's polling and the health probes stay quiet.
 * Incoming HTTP spans are made by the platform itself (http-telemetry.middleware.ts) and @app/messaging instruments
 * its kafkajs client itself (MessagingKafkaInstrumentation), so both exist wherever the app runs, also where no
 * module loader hook is installed.
 *
 * A span per SQL statement only when OTEL_DATABASE_SPANS=true: an order runs about 250 statements, and the pg
 * instrumentation wraps each one and records its duration metric even when no span is kept.
 */
export function platformInstrumentations(): Instrumentation[] {
  created ??= instrumentationsFor(process.env);
  return created;
}

/** The set for an environment, new instances each call (platformInstrumentations keeps the process's one). */
export function instrumentationsFor(env: NodeJS.ProcessEnv): Instrumentation[] {
  return [
    new HttpInstrumentation({
      disableIncomingRequestInstrumentation: true,
      requireParentforOutgoingSpans: true,
    }),
    new ExpressInstrumentation(),
    // Read from the environment itself: the preload runs before the app's configuration is validated.
    ...(env.OTEL_DATABASE_SPANS === 'true' ? [new PgInstrumentation({ requireParentSpan: true })] : []),
  ];
}
