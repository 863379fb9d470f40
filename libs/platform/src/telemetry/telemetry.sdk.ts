import { type ProxyTracerProvider, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { platformInstrumentations } from './instrumentations.js';

export interface TelemetryOptions {
  serviceName: string;
  /** Where spans go; by default from tracesExporter. Tests pass an in-memory exporter's processor here. */
  spanProcessors?: SpanProcessor[];
  /** Comma-separated: otlp, console, none. Empty: otlp when otlpEndpoint is set, none otherwise. */
  tracesExporter?: string;
  /** OTLP/HTTP base URL of the collector (the exporter appends /v1/traces). */
  otlpEndpoint?: string;
}

interface Running {
  sdk: NodeSDK;
  prometheus: PrometheusExporter;
  serviceName: string;
  hostMetricsClaimed: boolean;
}

let running: Running | undefined;

/**
 * Starts the process's OpenTelemetry SDK once: W3C trace context, a tracer provider, and a meter provider read by
 * GET /metrics. Without an exporter nothing is recorded (an order's ~300 spans would be built only to be dropped),
 * yet every span still gets its ids, so logs carry trace ids and traceparent travels on with every hop.
 */
export function startTelemetry(options: TelemetryOptions): void {
  if (running) {
    return;
  }
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const processors = options.spanProcessors ?? spanProcessorsFor(options);
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: defaultResource().merge(resourceFromAttributes({ 'service.namespace': 'platforma' })),
    spanProcessors: processors.length > 0 ? processors : [new NoopSpanProcessor()],
    ...(processors.length > 0 ? {} : { sampler: new AlwaysOffSampler() }),
    metricReaders: [prometheus],
    // Logs are JSON lines on stdout (pino); the SDK does not ship them.
    logRecordProcessors: [],
    instrumentations: platformInstrumentations(),
  });
  sdk.start();
  running = { sdk, prometheus, serviceName: options.serviceName, hostMetricsClaimed: false };
}

/** The monolith is "platforma", a split app "platforma-<module>", unless OTEL_SERVICE_NAME says otherwise. */
export function serviceNameOf(appName: string): string {
  return appName === 'platforma' ? appName : `platforma-${appName}`;
}

export function telemetryServiceName(): string | undefined {
  return running?.serviceName;
}

/** The reader GET /metrics renders; undefined before the SDK started. */
export function prometheusReader(): PrometheusExporter | undefined {
  return running?.prometheus;
}

/** True for the first caller only: host metrics are observed once per process, however many apps it builds. */
export function claimHostMetrics(): boolean {
  if (!running || running.hostMetricsClaimed) {
    return false;
  }
  running.hostMetricsClaimed = true;
  return true;
}

/** Exports the spans still buffered (on app shutdown); the SDK itself lives as long as the process. */
export async function flushTelemetry(): Promise<void> {
  if (!running) {
    return;
  }
  const provider = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  const delegate = provider.getDelegate?.() ?? provider;
  await (delegate as { forceFlush?: () => Promise<void> }).forceFlush?.();
}

/** Stops the SDK (tests, and processes that end): the next startTelemetry() starts afresh. */
export async function shutdownTelemetry(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.sdk.shutdown();
}

function spanProcessorsFor(options: TelemetryOptions): SpanProcessor[] {
  const configured = (options.tracesExporter ?? '').split(',').map((e) => e.trim());
  const exporters = configured.some(Boolean) ? configured : [options.otlpEndpoint ? 'otlp' : 'none'];
  return exporters.flatMap((exporter): SpanProcessor[] => {
    switch (exporter) {
      case 'otlp': {
        const base = options.otlpEndpoint?.replace(/\/+$/, '');
        const exporter = new OTLPTraceExporter(base ? { url: `${base}/v1/traces` } : {});
        return [new BatchSpanProcessor({ exporter })];
      }
      case 'console':
        return [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })];
      default:
        return [];
    }
  });
}
