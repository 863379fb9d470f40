import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Request } from 'express';
import { stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import { LogContext } from '@app/messaging';
import type { AppConfig } from '../config/app.config.js';
import { routeOf } from '../telemetry/http-telemetry.middleware.js';

const PINO_LEVEL: Record<AppConfig['LOG_LEVEL'], string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export const REDACTED = '[REDACTED]';

/** Field names whose values never reach a log line, at any depth: credentials, keys, tokens, cookies. */
const SECRET_FIELD = /authorization|cookie|passw(or)?d|secret|token|api[-_]?key|private[-_]?key/i;
const MAX_DEPTH = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A copy of the log object with secret fields censored; objects without secrets are returned as they are. */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) {
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => redactSecrets(item, depth + 1));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (!isPlainObject(value)) {
    return value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const cleaned =
      SECRET_FIELD.test(key) && field !== undefined ? REDACTED : redactSecrets(field, depth + 1);
    if (cleaned !== field) {
      copy ??= { ...value };
      copy[key] = cleaned;
    }
  }
  return (copy ?? value) as T;
}

/** What ties a line to its request or event: added to every line logged while serving one. */
export function contextFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    fields.traceId = span.traceId;
    fields.spanId = span.spanId;
  }
  const current = LogContext.current();
  if (current?.correlationId) {
    fields.correlationId = current.correlationId;
  }
  const tenantId = current?.tenantId;
  if (tenantId) {
    fields.tenantId = tenantId;
  }
  return fields;
}

/** Probes and scrapes are not logged per request. */
const UNLOGGED = /^\/(health|metrics)(\/|\?|$)/;

/**
 * pino (through pino-http, which nestjs-pino builds the application logger from): one JSON object per line with
 * level, time, msg and Nest's context, the request's or event's correlationId, traceId and tenantId, and secrets
 * censored. Requests are logged by route template, without headers, path parameters or query strings.
 */
export function loggerOptions(
  level: AppConfig['LOG_LEVEL'],
  service?: string,
): Options<IncomingMessage, ServerResponse> {
  return {
    level: PINO_LEVEL[level],
    base: service ? { service } : undefined,
    timestamp: stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactSecrets(object),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: REDACTED,
    },
    mixin: contextFields,
    genReqId: () => randomUUID(),
    quietReqLogger: true,
    customProps: () => ({ context: 'HTTP' }),
    // 503 is a backing service away for a moment (the filter logged why, at warn), not a fault of ours.
    customLogLevel: (_req, res, error) =>
      res.statusCode === 503 ? 'warn' : error || res.statusCode >= 500 ? 'error' : 'info',
    customSuccessMessage: (req, res) => `${req.method} ${route(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${route(req)} ${res.statusCode}`,
    autoLogging: { ignore: (req) => UNLOGGED.test(req.url ?? '') },
    // The request is serialized when its logger is made, before routing: its route is in the completion message.
    serializers: {
      req: (req: { id?: unknown; method?: string }) => ({ id: req.id, method: req.method }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

function route(req: IncomingMessage): string {
  return routeOf(req as Request) ?? (req.url ?? '').split('?')[0] ?? '';
}
