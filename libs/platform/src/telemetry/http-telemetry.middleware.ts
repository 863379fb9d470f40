import { randomUUID } from 'node:crypto';
import {
  context,
  type Histogram,
  type MeterProvider,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LogContext } from '@app/messaging';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes are measured but not traced: they would drown the traces that matter. */
const UNTRACED = /^\/(health|metrics)(\/|$)/;

export type CorrelatedRequest = Request & { correlationId?: string };

/** The route template (/v1/orders/:id), never the path itself: ids stay out of labels, tokens out of spans. */
export function routeOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? req.baseUrl + path : undefined;
}

const durations = new WeakMap<MeterProvider, Histogram>();

function requestDuration(): Histogram {
  const provider = metrics.getMeterProvider();
  let histogram = durations.get(provider);
  if (!histogram) {
    histogram = provider.getMeter('@app/platform').createHistogram('http_server_request_duration_seconds', {
      description: 'Duration of HTTP requests served, by method, route template and status code',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    });
    durations.set(provider, histogram);
  }
  return histogram;
}

/**
 * Per request: the server span (continuing the caller's W3C traceparent, and announcing its own in the
 * `traceresponse` header so a client without tracing can continue the trace in a later call), the request
 * duration metric, and the correlation id and tenant every log line of the request carries.
 */
export function httpTelemetry(): RequestHandler {
  const tracer = trace.getTracer('@app/platform');
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const incoming = req.header(CORRELATION_HEADER);
    const correlationId = incoming && CORRELATION_ID.test(incoming) ? incoming : randomUUID();
    (req as CorrelatedRequest).correlationId = correlationId;
    res.setHeader(CORRELATION_HEADER, correlationId);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = UNTRACED.test(req.path)
      ? undefined
      : tracer.startSpan(
          req.method,
          {
            kind: SpanKind.SERVER,
            attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method, 'platforma.correlation_id': correlationId },
          },
          parent,
        );
    if (span) {
      const { traceId, spanId, traceFlags } = span.spanContext();
      res.setHeader('traceresponse', `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`);
    }
    let ended = false;
    const end = (): void => {
      if (ended) {
        return;
      }
      ended = true;
      const route = routeOf(req);
      const status = res.statusCode;
      requestDuration().record((performance.now() - started) / 1000, {
        [ATTR_HTTP_REQUEST_METHOD]: req.method,
        [ATTR_HTTP_ROUTE]: route ?? 'unmatched',
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
      });
      if (span) {
        span.updateName(route ? `${req.method} ${route}` : req.method);
        span.setAttributes({
          [ATTR_HTTP_ROUTE]: route,
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
          'platforma.tenant_id': (req as AuthenticatedRequest).principal?.tenantId,
        });
        if (status >= 500 || !res.writableFinished) {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: res.writableFinished ? undefined : 'aborted',
          });
        }
        span.end();
      }
    };
    res.once('finish', end);
    res.once('close', end);
    const fields = {
      correlationId,
      get tenantId(): string | undefined {
        return (req as AuthenticatedRequest).principal?.tenantId;
      },
    };
    const active = span ? trace.setSpan(parent, span) : parent;
    LogContext.run(fields, () => context.with(active, next));
  };
}
