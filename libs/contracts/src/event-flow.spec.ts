import { EVENT_TYPES, eventDefinition } from './event-catalog.js';
import { EVENT_CONSUMERS, OTHER_PRODUCERS, eventFlow } from './event-flow.js';
import { SOURCE_MODULES } from './source-modules.js';

describe('event flow declarations', () => {
  it('declares consumers for exactly the catalog’s types, each module once', () => {
    expect(Object.keys(EVENT_CONSUMERS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const consumers: readonly string[] = EVENT_CONSUMERS[type];
      expect({ type, unique: new Set(consumers).size === consumers.length }).toEqual({ type, unique: true });
      expect(SOURCE_MODULES).toEqual(expect.arrayContaining([...consumers]));
    }
  });

  it('declares no consumer for a log-only event, and at least one for any other', () => {
    const mismatched = EVENT_TYPES.filter(
      (type) => (eventDefinition(type).logOnly !== undefined) !== (EVENT_CONSUMERS[type].length === 0),
    );
    expect(mismatched).toEqual([]);
  });

  it('names the source first among the producers, and no other producer twice or as the source', () => {
    expect(eventFlow('order.created')).toEqual({
      producers: ['orders'],
      consumers: ['billing', 'notifications', 'saga'],
    });
    expect(eventFlow('notification.requested').producers).toEqual(['saga', 'billing']);
    for (const type of EVENT_TYPES) {
      const { producers } = eventFlow(type);
      expect(producers[0]).toBe(eventDefinition(type).source);
      expect(new Set(producers).size).toBe(producers.length);
    }
    expect(Object.keys(OTHER_PRODUCERS).every((type) => EVENT_TYPES.some((t) => t === type))).toBe(true);
  });
});
