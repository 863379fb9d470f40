import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSConnectionError } from 'kafkajs';
import { isRecordRefusal } from './event.producer.js';

describe(isRecordRefusal.name, () => {
  it('recognises a refused topic, also behind exhausted retries', () => {
    // The shape kafkajs builds from the broker's error code 3.
    const brokerError = Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      code: 3,
      retriable: true,
    });
    const unknownTopic = new KafkaJSProtocolError(brokerError);
    expect(isRecordRefusal(unknownTopic)).toBe(true);
    expect(
      isRecordRefusal(new KafkaJSNumberOfRetriesExceeded(unknownTopic, { retryCount: 5, retryTime: 100 })),
    ).toBe(true);
  });

  it('treats an unreachable broker as not the records’ fault', () => {
    expect(isRecordRefusal(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBe(false);
    expect(isRecordRefusal(new Error('boom'))).toBe(false);
  });
});
