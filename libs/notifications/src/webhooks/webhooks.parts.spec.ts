import { PATTERN_METADATA, TRANSPORT_METADATA } from '@nestjs/microservices/constants.js';
import { isEventType } from '@app/contracts';
import { NOTIFICATIONS } from '../notifications.domain.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { WEBHOOK_LISTENERS } from './webhooks.parts.js';

function handledBy(listener: (typeof WEBHOOK_LISTENERS)[number]): { patterns: unknown; transport: unknown } {
  const handle = (listener.prototype as { handle: () => unknown }).handle;
  return {
    patterns: Reflect.getMetadata(PATTERN_METADATA, handle) as unknown,
    transport: Reflect.getMetadata(TRANSPORT_METADATA, handle) as unknown,
  };
}

describe('webhook listeners', () => {
  it('subscribe to catalog events only', () => {
    expect(WEBHOOK_EVENT_TYPES.filter((type) => !isEventType(type))).toEqual([]);
  });

  it('handle each webhook event type exactly once, on the notifications transport', () => {
    const handled = WEBHOOK_LISTENERS.map(handledBy);
    expect(handled.flatMap((h) => h.patterns as string[]).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const { transport } of handled) {
      expect(transport).toBe(NOTIFICATIONS.transport);
    }
  });

  it('are named after their event', () => {
    const names = WEBHOOK_LISTENERS.map((listener) => {
      const [type] = handledBy(listener).patterns as string[];
      return { type, name: listener.name };
    });
    for (const { type, name } of names) {
      const expected = `${(type ?? '').replace(/(^|[._])([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}Listener`;
      expect(name).toBe(expected);
    }
  });
});
