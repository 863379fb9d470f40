import type { EntityManager } from 'typeorm';
import type { EventData, EventEnvelope, EventType } from '@app/contracts';
import type { PublishMeta, UnitOfWork } from '../outbox/unit-of-work.js';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * What an @EventPattern handler receives with @Ctx(): the envelope, and a unit of work bound to the transaction
 * that also holds the inbox row. Events published here carry the incoming event's correlation id and tenant, and
 * name it as their cause.
 */
export class EventContext<T extends EventType = EventType> {
  constructor(
    readonly envelope: EventEnvelope<T>,
    readonly position: RecordPosition,
    private readonly uow: UnitOfWork,
    readonly attempt: number,
  ) {}

  get manager(): EntityManager {
    return this.uow.manager;
  }

  get tenantId(): string {
    return this.envelope.tenantid;
  }

  publish<E extends EventType>(
    type: E,
    data: EventData<E>,
    meta: Partial<PublishMeta> & { subject: string },
  ): Promise<EventEnvelope<E>> {
    return this.uow.publish(type, data, meta);
  }

  /** Nest's RPC context API. */
  getArgs(): unknown[] {
    return [this.envelope, this.position];
  }

  getArgByIndex(index: number): unknown {
    return this.getArgs()[index];
  }
}
