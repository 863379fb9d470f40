import kafkajs from 'kafkajs';
import { stopReasonOf } from './consumer-supervisor.js';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;
// kafkajs's typings omit the arguments its errors take at run time (the protocol error's type, the cause).
type ErrorWith = new (e: { message: string; type?: string }, options?: { cause?: Error }) => Error;
const ProtocolError = KafkaJSProtocolError as unknown as ErrorWith;
const NonRetriable = KafkaJSNonRetriableError as unknown as ErrorWith;

describe(stopReasonOf.name, () => {
  const refused = (type: string) =>
    new ProtocolError({ message: 'Not authorized to access topics: [Topic authorization failed]', type });

  it('says not-authorized for every ACL refusal, also when kafkajs wraps it', () => {
    for (const type of [
      'TOPIC_AUTHORIZATION_FAILED',
      'GROUP_AUTHORIZATION_FAILED',
      'CLUSTER_AUTHORIZATION_FAILED',
    ]) {
      expect(stopReasonOf(refused(type))).toBe('not-authorized');
      expect(stopReasonOf(new NonRetriable({ message: 'gave up' }, { cause: refused(type) }))).toBe(
        'not-authorized',
      );
    }
  });

  it('says broker-unreachable for a connection that failed, and failed for anything else', () => {
    const connection = new KafkaJSConnectionError('connect ECONNREFUSED 10.0.0.7:9092');
    expect(stopReasonOf(connection)).toBe('broker-unreachable');
    expect(stopReasonOf(new NonRetriable({ message: 'gave up' }, { cause: connection }))).toBe(
      'broker-unreachable',
    );
    expect(stopReasonOf(new Error('The group is rebalancing: host db.internal refused'))).toBe('failed');
  });
});
