import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSConnectionError } from 'kafkajs';
import { isRecordRefusal, type OutgoingRecord, traceRuns } from './event-producer.js';

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

describe(traceRuns.name, () => {
  const record = (topic: string, key: string, traceparent?: string): OutgoingRecord => ({
    topic,
    key,
    value: `${topic}/${key}`,
    headers: traceparent ? { traceparent } : {},
  });
  const t1 = '00-11111111111111111111111111111111-1111111111111111-01';
  const t2 = '00-22222222222222222222222222222222-2222222222222222-01';

  it('cuts the records into runs of one trace each, keeping their order', () => {
    const records = [
      record('a', 'k1', t1),
      record('b', 'k1', t1),
      record('a', 'k2', t2),
      record('a', 'k1', t1),
      record('c', 'k3'),
      record('c', 'k3'),
    ];
    const runs = traceRuns(records);
    expect(runs.map((run) => run.map((r) => r.value))).toEqual([
      ['a/k1', 'b/k1'],
      ['a/k2'],
      ['a/k1'],
      ['c/k3', 'c/k3'],
    ]);
    expect(runs.flat()).toEqual(records);
  });

  it('keeps records of one trace in one run', () => {
    expect(traceRuns([record('a', 'k', t1), record('b', 'k', t1)])).toHaveLength(1);
  });
});
