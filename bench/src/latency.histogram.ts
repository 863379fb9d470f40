import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** An HDR histogram of millisecond latencies, recorded in microseconds (3 significant digits). */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const at = (p: number): number => round(h.getValueAtPercentile(p) / 1000);
    return {
      count: h.totalCount,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: round(h.maxValue / 1000),
      mean: round(h.mean / 1000),
    };
  }
}

export function summarize(latenciesMs: number[]): LatencySummary {
  const histogram = new LatencyHistogram();
  for (const ms of latenciesMs) {
    histogram.record(ms);
  }
  return histogram.summary();
}

const round = (n: number): number => Math.round(n * 100) / 100;
