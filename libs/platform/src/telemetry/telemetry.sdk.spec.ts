import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { flushTelemetry, shutdownTelemetry, startTelemetry } from './telemetry.sdk.js';

/** A parent span and a child inside it; what the child and an outgoing traceparent see of the parent's trace. */
function trail(): { traceId: string; childTraceId: string; recording: boolean; traceparent: string } {
  const tracer = trace.getTracer('telemetry.sdk.spec');
  return tracer.startActiveSpan('parent', (parent) => {
    const recording = parent.isRecording();
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    const childTraceId = tracer.startActiveSpan('child', (child) => {
      child.end();
      return child.spanContext().traceId;
    });
    parent.end();
    return {
      traceId: parent.spanContext().traceId,
      childTraceId,
      recording,
      traceparent: carrier.traceparent ?? '',
    };
  });
}

describe('startTelemetry', () => {
  afterEach(async () => {
    await shutdownTelemetry();
    // The API keeps the first global provider a process registers: let the next test register its own.
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('records nothing without an exporter, yet every span has ids and the trace travels on', () => {
    startTelemetry({ serviceName: 'spec', tracesExporter: 'none' });
    const seen = trail();
    expect(seen.recording).toBe(false);
    expect(seen.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.traceId).not.toBe('0'.repeat(32));
    expect(seen.childTraceId).toBe(seen.traceId);
    expect(seen.traceparent).toMatch(new RegExp(`^00-${seen.traceId}-[0-9a-f]{16}-00$`));
  });

  it('records every span when something exports them', async () => {
    const exporter = new InMemorySpanExporter();
    startTelemetry({ serviceName: 'spec', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const seen = trail();
    expect(seen.recording).toBe(true);
    expect(seen.traceparent).toMatch(/-01$/);
    await flushTelemetry();
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['child', 'parent']);
  });
});
