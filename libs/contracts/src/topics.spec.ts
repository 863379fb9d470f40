import { EVENT_TYPES } from './event-catalog.js';
import { allTopics, dlqTopicName, topicName } from './topics.js';

describe('topics', () => {
  it('names a topic after its event type, behind an optional prefix', () => {
    expect(topicName('order.created')).toBe('order.created');
    expect(topicName('order.created', 'test-42.')).toBe('test-42.order.created');
    expect(dlqTopicName('order.created')).toBe('order.created.dlq');
    expect(dlqTopicName('order.created', 'test-42.')).toBe('test-42.order.created.dlq');
  });

  it('lists every event topic and its DLQ exactly once', () => {
    const topics = allTopics('e2e.');
    expect(topics).toHaveLength(EVENT_TYPES.length * 2);
    expect(new Set(topics).size).toBe(topics.length);
    expect(topics).toEqual(expect.arrayContaining(['e2e.saga.failed', 'e2e.saga.failed.dlq']));
  });

  it('produces only legal Kafka topic names', () => {
    for (const topic of allTopics('some-long-test-prefix.')) {
      expect(topic).toMatch(/^[a-zA-Z0-9._-]{1,249}$/);
    }
  });
});
