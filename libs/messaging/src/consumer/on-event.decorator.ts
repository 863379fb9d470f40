import { EventPattern } from '@nestjs/microservices';
import type { EventData, EventType } from '@app/contracts';
import type { DomainDescriptor } from '../domain.js';
import type { EventContext } from './event-context.js';

type Handler<T extends EventType> = (data: EventData<T>, ctx: EventContext<T>) => Promise<void>;

/**
 * Nest's @EventPattern bound to a domain's transport id, typed from the catalog: the handler must take the
 * event's latest payload and its EventContext. Without the transport id every Kafka server in the monolith would
 * register the handler (double handling).
 */
export function OnEvent<T extends EventType>(type: T, domain: DomainDescriptor) {
  const pattern = EventPattern<string>(type, domain.transport);
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<Handler<T>>): void => {
    pattern(target, key, descriptor);
  };
}
