/**
 * nestjs-otel's tracing decorator: `@Span('orders.create')` on a method runs it in a span of that name (child of the
 * active request or event span; exceptions recorded). Imported from its own file: the package's index also loads
 * its Nest module, which ObservabilityModule imports once Nest is loaded.
 */
export { Span } from 'nestjs-otel/lib/tracing/decorators/span.js';
