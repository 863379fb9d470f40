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
 */
export function platformInstrumentations(): Instrumentation[] {
  created ??= [
    new HttpInstrumentation({
      disableIncomingRequestInstrumentation: true,
      requireParentforOutgoingSpans: true,
    }),
    new ExpressInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
  ];
  return created;
}
