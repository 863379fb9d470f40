import { EventPattern } from '@nestjs/microservices';
import type { EventData, EventType } from '@app/contracts';
import type { DomainDescriptor } from '../domain.js';
import type { EventContext } from './event-context.js';

type Handler<T extends EventType> = (data: EventData<T>, ctx: EventContext<T>) => Promise<void>;

export interface OnEventOptions {
  /**
   * `always` (the default): the handler runs inside the delivery's transaction, inbox row first.
   * `on-demand`: the handler first decides, reading through `ctx.reader`, whether the event means anything to it;
   * only when it calls `await ctx.begin()` are the transaction and the inbox row opened (a duplicate ends the
   * delivery there). A delivery with nothing to do then costs no transaction. Such a handler must not write or
   * publish before begin() — `ctx.manager` and `ctx.publish` refuse until then.
   */
  transaction?: 'always' | 'on-demand';
}

/** The extras key under which the consumer finds a handler's OnEventOptions. */
export const ON_EVENT_OPTIONS = 'platforma.onEvent';

/**
 * Nest's @EventPattern bound to a domain's transport id, typed from the catalog: the handler must take the
 * event's latest payload and its EventContext. Without the transport id every Kafka server in the monolith would
 * register the handler (double handling).
 */
export function OnEvent<T extends EventType>(
  type: T,
  domain: DomainDescriptor,
  options: OnEventOptions = {},
) {
  const pattern = EventPattern<string>(type, domain.transport, { [ON_EVENT_OPTIONS]: options });
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<Handler<T>>): void => {
    pattern(target, key, descriptor);
  };
}
