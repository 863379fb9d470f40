export { MessagingModule } from './messaging.module.js';
export {
  DEFAULT_MAX_RECORD_BYTES,
  MESSAGING_SETTINGS,
  type KafkaSasl,
  type MessagingSettings,
} from './messaging.settings.js';
export { kafkaClientConfig } from './kafka/kafka.factory.js';
export { defineDomain, type DomainDescriptor } from './domain.js';
export { OutboxService } from './outbox/outbox.service.js';
export { UnitOfWork, InvalidEventError, type PublishMeta, type Tx } from './outbox/unit-of-work.js';
export { RelayHostService } from './outbox/relay-host.service.js';
export { EventContext } from './consumer/event-context.js';
export { PermanentEventError, RetryLaterError } from './consumer/errors.js';
export { isBackendUnavailable } from './backend-unavailable.js';
export { ConsumerFactory } from './consumer/consumer.factory.js';
export { EventConsumerServer, type RetryPolicy } from './consumer/event-consumer.server.js';
export { stoppedConsumers, type StoppedConsumer } from './consumer/consumer-supervisor.js';
export { DLQ_HEADER } from './consumer/dlq.headers.js';
export {
  nextRedriveCount,
  redriveDeadLetter,
  redriveTarget,
  RedriveRefusedError,
  type DeadLetter,
} from './consumer/dlq-redrive.js';
export { exampleDeadLetter } from './testing/dead-letter.factory.js';
export {
  TopicAdminService,
  type TopicReport,
  type TopicSettings,
  type ConsumerGroupLag,
  type PartitionLag,
} from './topics/topic-admin.service.js';
export {
  ConsumerGroupAdminService,
  GroupActiveError,
  type ConsumerGroupState,
  type GroupMember,
  type OffsetMove,
  type OffsetTarget,
  type PartitionPosition,
} from './topics/consumer-group-admin.service.js';
export { EventSchemasService } from './validation/event-schemas.service.js';
export { EventProducer } from './kafka/event.producer.js';
export { HEADER as EVENT_HEADER, encodeEnvelope } from './envelope/envelope.codec.js';
export { TopicReader, type ReadRecord } from './topics/topic-reader.js';
export { OnEvent } from './consumer/on-event.decorator.js';
export { LogContext, type LogFields } from './telemetry/log-context.js';
export { EventFollower, type EventFollowerOptions, type FollowedEvent } from './follower/event-follower.js';
export { RecordTap, type RecordTapOptions, type TapCounters } from './tap/record-tap.js';
export { type TappedRecord, type TapHandler } from './tap/tapped-record.js';
export { measureKafkaHop, type HopOptions, type HopSample } from './probe/kafka-hop.probe.js';
