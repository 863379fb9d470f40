import type { EntityManager } from 'typeorm';
import type { EventData, EventEnvelope, EventType } from '@app/contracts';
import type { PublishMeta, UnitOfWork } from '../outbox/unit-of-work.js';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** How an on-demand handler's delivery opens its transaction (see OnEventOptions). */
export interface OnDemandTransaction {
  /** Outside any transaction: what an on-demand handler reads to decide whether it has work. */
  reader: EntityManager;
  /** Opens the transaction and inserts the inbox row; rejects with DuplicateDeliveryError for a duplicate. */
  begin(): Promise<UnitOfWork>;
}

/** Ends an on-demand delivery whose inbox row was already there: the consumer counts it as a duplicate. */
export class DuplicateDeliveryError extends Error {
  override readonly name = 'DuplicateDeliveryError';
}

/**
 * What an @EventPattern handler receives with @Ctx(): the envelope, and a unit of work bound to the transaction
 * that also holds the inbox row. Events published here carry the incoming event's correlation id and tenant, and
 * name it as their cause.
 */
export class EventContext<T extends EventType = EventType> {
  private uow?: UnitOfWork;
  private readonly committed: (() => void)[] = [];

  constructor(
    readonly envelope: EventEnvelope<T>,
    readonly position: RecordPosition,
    uow: UnitOfWork | undefined,
    readonly attempt: number,
    private readonly onDemand?: OnDemandTransaction,
  ) {
    this.uow = uow;
  }

  get manager(): EntityManager {
    return this.unitOfWork().manager;
  }

  /** Reads that decide whether there is work: outside the transaction for an on-demand handler, else inside it. */
  get reader(): EntityManager {
    return this.uow?.manager ?? this.onDemand?.reader ?? this.manager;
  }

  get tenantId(): string {
    return this.envelope.tenantid;
  }

  /** An on-demand handler has work: opens the transaction with the inbox row (a no-op for other handlers). */
  async begin(): Promise<void> {
    if (!this.uow && this.onDemand) {
      this.uow = await this.onDemand.begin();
    }
  }

  publish<E extends EventType>(
    type: E,
    data: EventData<E>,
    meta: Partial<PublishMeta> & { subject: string },
  ): Promise<EventEnvelope<E>> {
    return this.unitOfWork().publish(type, data, meta);
  }

  /**
   * Runs `then` once the delivery's transaction has committed (never when it rolls back or the event was a
   * duplicate): telling this process's own readers that there is something new to read, e.g. an order's event
   * stream. Not for anything that must happen: a crash between the commit and `then` skips it.
   */
  afterCommit(then: () => void): void {
    this.committed.push(then);
  }

  /** The consumer's call after the commit. */
  runAfterCommit(): void {
    for (const then of this.committed.splice(0)) {
      try {
        then();
      } catch {
        // Only wake-ups live here: the delivery is done, and its consumer must not see a listener's failure.
      }
    }
  }

  private unitOfWork(): UnitOfWork {
    if (!this.uow) {
      throw new Error(`${this.envelope.type}: an on-demand handler must await ctx.begin() before it writes`);
    }
    return this.uow;
  }

  /** Nest's RPC context API. */
  getArgs(): unknown[] {
    return [this.envelope, this.position];
  }

  getArgByIndex(index: number): unknown {
    return this.getArgs()[index];
  }
}
