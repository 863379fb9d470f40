import type { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload } from 'kafkajs';

/**
 * How long a settled record's offset may wait for its commit. kafkajs commits after every batch, and one batch is one
 * partition's records of one fetch: at a few events a second that is an OffsetCommit per delivery, which cost the
 * broker about a fifth of its CPU in the benchmark (the group coordinator's log append). Gathered here, a group
 * commits at most this often, for every partition at once.
 */
export const COMMIT_INTERVAL_MS = 200;

type Uncommitted = ReturnType<EachBatchPayload['uncommittedOffsets']>;

/**
 * Commits a consumer's resolved offsets (records settled: committed in the database, duplicates or dead-lettered)
 * on a short timer instead of after each batch. Only resolved offsets go out, so an offset still moves only after
 * its record's transaction committed. What a crash, a rebalance or a failed commit leaves uncommitted is delivered
 * again, and the inbox makes that a duplicate with no effect.
 */
export class OffsetCommits {
  private timer?: NodeJS.Timeout;
  private uncommitted?: () => Uncommitted;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly consumer: Consumer,
    private readonly log: Logger,
    private readonly committed: () => void = () => undefined,
    private readonly intervalMs = COMMIT_INTERVAL_MS,
  ) {}

  /** A record of the batch was resolved: its offset goes out with the next commit. */
  resolved(payload: EachBatchPayload): void {
    this.uncommitted = () => payload.uncommittedOffsets();
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Commits what is resolved now (also before the consumer stops). Never throws: what fails goes out next time. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.committing = this.committing.then(() => this.commit());
    return this.committing;
  }

  /** Stops the timer; what is resolved and not yet committed is left for the partition's next owner. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.uncommitted = undefined;
  }

  private async commit(): Promise<void> {
    const offsets = (this.uncommitted?.().topics ?? []).flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, offset }) => ({ topic, partition: Number(partition), offset })),
    );
    if (offsets.length === 0) {
      return;
    }
    try {
      await this.consumer.commitOffsets(offsets);
      this.committed();
    } catch (error) {
      this.log.warn(`offset commit failed, it goes out with the next one: ${(error as Error).message}`);
    }
  }
}
