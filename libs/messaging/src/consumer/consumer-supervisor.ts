import { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { isBrokerUnreachable } from '../backend-unavailable.js';

/** Why a consumer stopped, as a public probe may say it; the error text itself goes to the log only. */
export type StopReason = 'not-authorized' | 'broker-unreachable' | 'failed';

export interface StoppedConsumer {
  group: string;
  reason: StopReason;
  since: string;
  restarts: number;
}

/** kafkajs names ACL refusals by their protocol error type (TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED). */
export function stopReasonOf(error: Error): StopReason {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) {
    chain.push(e);
  }
  const typeOf = (e: Error) => (e as Error & { type?: unknown }).type;
  if (
    chain.some((e) => String(typeOf(e)).endsWith('AUTHORIZATION_FAILED') || /not authorized/i.test(e.message))
  ) {
    return 'not-authorized';
  }
  if (isBrokerUnreachable(error)) {
    return 'broker-unreachable';
  }
  return 'failed';
}

/** The process's consumers that kafkajs stopped for good, by group: what /health/ready reports. */
const stopped = new Map<string, StoppedConsumer>();

export function stoppedConsumers(): StoppedConsumer[] {
  return [...stopped.values()];
}

const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 60_000;

/**
 * Keeps a consumer group running. kafkajs restarts a consumer itself after a retriable error, but gives up on the
 * rest (an ACL missing, a group the broker refuses): the consumer then stops, its partitions stay unread, and
 * nothing else would say so. The supervisor marks the group stopped (the app turns unready) and starts the
 * consumer again with a doubling delay until it joins its group, which clears the mark.
 */
export class ConsumerSupervisor {
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private delay = FIRST_RESTART_MS;
  private restarts = 0;
  private closed = false;

  constructor(
    private readonly group: string,
    private readonly start: () => Promise<void>,
    context: string,
  ) {
    this.log = new Logger(context);
  }

  /** Follows a consumer just made by start(), before it connects. */
  watch(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      stopped.delete(this.group);
      this.delay = FIRST_RESTART_MS;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (restart) {
        this.log.warn(`consumer of ${this.group} failed, kafkajs restarts it: ${error.message}`);
        return;
      }
      this.stopped(error);
    });
  }

  /** The consumer is down (its start failed, or kafkajs gave up on it): mark it and try again later. */
  stopped(error: Error): void {
    if (this.closed) {
      return;
    }
    const since = stopped.get(this.group)?.since ?? new Date().toISOString();
    stopped.set(this.group, {
      group: this.group,
      reason: stopReasonOf(error),
      since,
      restarts: this.restarts,
    });
    this.log.error(
      `consumer of ${this.group} stopped: ${error.message}; starting it again in ${this.delay} ms`,
    );
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.restart(), this.delay);
    this.delay = Math.min(this.delay * 2, MAX_RESTART_MS);
  }

  private async restart(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.restarts++;
    try {
      await this.start();
    } catch (error) {
      this.stopped(error as Error);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    stopped.delete(this.group);
  }
}
