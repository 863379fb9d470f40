import type { Instrumentation } from '@opentelemetry/instrumentation';
import { instrumentationsFor } from './instrumentations.js';

/** Names of the instrumentations, each disabled again at once (constructing one patches its library). */
function names(env: NodeJS.ProcessEnv): string[] {
  const made: Instrumentation[] = instrumentationsFor(env);
  made.forEach((i) => i.disable());
  return made.map((i) => i.instrumentationName);
}

describe('instrumentationsFor', () => {
  const pg = '@opentelemetry/instrumentation-pg';

  it('leaves SQL statements without spans by default: an order runs about 250 of them', () => {
    expect(names({})).not.toContain(pg);
    expect(names({ OTEL_DATABASE_SPANS: 'false' })).not.toContain(pg);
    expect(names({ OTEL_DATABASE_SPANS: '' })).not.toContain(pg);
  });

  it('adds a span per SQL statement when OTEL_DATABASE_SPANS=true, beside the HTTP and express ones', () => {
    expect(names({ OTEL_DATABASE_SPANS: 'true' })).toEqual([
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-express',
      pg,
    ]);
  });
});
