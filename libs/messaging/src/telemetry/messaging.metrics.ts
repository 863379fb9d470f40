import {
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
  type ObservableResult,
} from '@opentelemetry/api';

/** A relay that can count its domain's unpublished rows (undefined while it is not the leader). */
export interface BacklogSource {
  module: string;
  backlog(): Promise<number | undefined>;
}

export interface LagSample {
  topic: string;
  partition: number;
  lag: number;
}

/** A consumer group that can say how far behind it is on each partition of its topics. */
export interface LagSource {
  module: string;
  group: string;
  lag(): Promise<LagSample[]>;
}

const backlogSources = new Set<BacklogSource>();
const lagSources = new Set<LagSource>();

/** Observations wait at most this long for the database or the broker: a scrape never hangs on one of them. */
const OBSERVE_TIMEOUT_MS = 3_000;

const SECOND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

class MessagingMetrics {
  readonly inboxDuplicates: Counter;
  readonly deadLettered: Counter;
  readonly publishDelay: Histogram;
  readonly kafkaRequests: Counter;

  constructor(provider: MeterProvider) {
    const meter = provider.getMeter('@app/messaging');
    this.inboxDuplicates = meter.createCounter('platforma_inbox_duplicates', {
      description: 'Records skipped because the inbox shows their event was already handled by the group',
    });
    this.deadLettered = meter.createCounter('platforma_dlq_records', {
      description: 'Records written to a dead-letter topic, by reason (malformed or rejected)',
    });
    this.kafkaRequests = meter.createCounter('platforma_kafka_requests', {
      description:
        'Requests sent to the brokers, by Kafka API (Produce, Fetch, OffsetCommit, …) and client id',
    });
    this.publishDelay = meter.createHistogram('platforma_outbox_publish_delay_seconds', {
      description: 'Time from the outbox insert to the broker acknowledging the record',
      unit: 's',
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    });
    meter
      .createObservableGauge('platforma_outbox_backlog', {
        description: 'Outbox rows not yet published, per module (reported by the leading relay)',
      })
      .addCallback((result) => observeBacklog(result));
    meter
      .createObservableGauge('platforma_consumer_lag', {
        description: 'Records on a partition that the consumer group has not committed yet',
      })
      .addCallback((result) => observeLag(result));
  }
}

const byProvider = new WeakMap<MeterProvider, MessagingMetrics>();

/** The instruments of the current global meter provider (there is none to proxy them before the SDK starts). */
export function messagingMetrics(): MessagingMetrics {
  const provider = metrics.getMeterProvider();
  let instruments = byProvider.get(provider);
  if (!instruments) {
    instruments = new MessagingMetrics(provider);
    byProvider.set(provider, instruments);
  }
  return instruments;
}

/** Registers a relay's backlog; the returned function unregisters it. */
export function watchBacklog(source: BacklogSource): () => void {
  messagingMetrics();
  backlogSources.add(source);
  return () => backlogSources.delete(source);
}

/** Registers a consumer group's lag; the returned function unregisters it. */
export function watchLag(source: LagSource): () => void {
  messagingMetrics();
  lagSources.add(source);
  return () => lagSources.delete(source);
}

async function observeBacklog(result: ObservableResult): Promise<void> {
  await Promise.all(
    [...backlogSources].map(async (source) => {
      const rows = await withinTimeout(source.backlog());
      if (rows !== undefined) {
        result.observe(rows, { module: source.module });
      }
    }),
  );
}

async function observeLag(result: ObservableResult): Promise<void> {
  await Promise.all(
    [...lagSources].map(async (source) => {
      for (const { topic, partition, lag } of (await withinTimeout(source.lag())) ?? []) {
        result.observe(lag, {
          module: source.module,
          group: source.group,
          topic,
          partition: String(partition),
        });
      }
    }),
  );
}

/** A source that fails or is slow is left out of this scrape rather than failing it. */
async function withinTimeout<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), OBSERVE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
