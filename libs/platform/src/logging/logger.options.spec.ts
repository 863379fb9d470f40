import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { StackContextManager } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { LogContext } from '@app/messaging';
import { loggerOptions, REDACTED, redactSecrets } from './logger.options.js';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const { level, base, timestamp, messageKey, formatters, redact, mixin } = loggerOptions('log', 'platforma');
  const logger = pino({ level, base, timestamp, messageKey, formatters, redact, mixin }, sink);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

describe('loggerOptions', () => {
  it('censors authorization headers, api keys, passwords, secrets and tokens at any depth', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi.secret', cookie: 'sid=abc', host: 'api' } },
        body: { apiKey: 'pk_live_123', password: 'hunter2', email: 'a@example.com' },
        webhook: { secret: 'whsec_abc', endpoints: [{ signingSecret: 'whsec_def', url: 'https://x' }] },
        accessToken: 'eyJ.token',
        nested: { deeper: { refresh_token: 'r-1', 'x-api-key': 'k-1' } },
      },
      'signed in',
    );
    const [line] = lines();
    const text = JSON.stringify(line);
    for (const secret of [
      'eyJhbGciOi',
      'sid=abc',
      'pk_live_123',
      'hunter2',
      'whsec_',
      'eyJ.token',
      'r-1',
      'k-1',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      req: { headers: { authorization: REDACTED, cookie: REDACTED, host: 'api' } },
      body: { apiKey: REDACTED, password: REDACTED, email: 'a@example.com' },
      webhook: { secret: REDACTED, endpoints: [{ signingSecret: REDACTED, url: 'https://x' }] },
      accessToken: REDACTED,
      nested: { deeper: { refresh_token: REDACTED, 'x-api-key': REDACTED } },
    });
  });

  it('writes level, ISO time and msg, and leaves objects without secrets untouched', () => {
    const { logger, lines } = capture();
    logger.warn({ context: 'OutboxRelay:orders' }, 'deferring 1 record');
    expect(lines()[0]).toMatchObject({
      level: 'warn',
      msg: 'deferring 1 record',
      context: 'OutboxRelay:orders',
      service: 'platforma',
    });
    expect(new Date(String(lines()[0]?.time)).toISOString()).toBe(lines()[0]?.time);
    const plain = { orderId: 'o-1', items: [{ sku: 'vps' }] };
    expect(redactSecrets(plain)).toBe(plain);
  });

  it('adds the correlation id, tenant id and trace id of the request or event being served', () => {
    context.setGlobalContextManager(new StackContextManager().enable());
    try {
      const { logger, lines } = capture();
      const spanContext = {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      };
      const active = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(spanContext));
      LogContext.run({ correlationId: 'corr-1', tenantId: 'tenant-1' }, () =>
        context.with(active, () => logger.info('handled order.created')),
      );
      logger.info('outside');
      const [inside, outside] = lines();
      expect(inside).toMatchObject({
        correlationId: 'corr-1',
        tenantId: 'tenant-1',
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
      });
      expect(outside).not.toHaveProperty('correlationId');
      expect(outside).not.toHaveProperty('traceId');
    } finally {
      context.disable();
    }
  });
});
