import {
  type AdminConfig,
  type ConsumerConfig,
  type InstrumentationEvent,
  Kafka,
  type KafkaConfig,
  logLevel,
  type LogEntry,
  type ProducerConfig,
  type SASLOptions,
} from 'kafkajs';
import { Logger } from '@nestjs/common';
import type { KafkaSasl, MessagingSettings } from '../messaging.settings.js';
import { instrumentKafkajs } from '../telemetry/kafkajs-instrumentation.js';
import { messagingMetrics } from '../telemetry/messaging.metrics.js';

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through Nest's logger so one log stream carries everything. */
const logCreator =
  () =>
  ({ namespace, level, log }: LogEntry): void => {
    const { message, ...extra } = log;
    const logger = new Logger(`kafkajs:${namespace}`);
    const text = `${message} ${JSON.stringify(extra)}`;
    // A broker error response is retried by kafkajs itself (e.g. no leader yet right after topic creation); the
    // operation that finally fails is what gets reported, by the caller.
    const demoted = namespace === 'Connection' && message.startsWith('Response ');
    switch (demoted ? 'debug' : (levels[level] ?? 'debug')) {
      case 'error':
        logger.error(text);
        break;
      case 'warn':
        logger.warn(text);
        break;
      case 'log':
        logger.log(text);
        break;
      case 'debug':
        logger.debug(text);
        break;
    }
  };

/**
 * The kafkajs client options of one client of the process: TLS verifies the brokers' certificates (against `ca`
 * when given, else the system's roots), SASL authenticates as the app's own user.
 */
export function kafkaClientConfig(settings: MessagingSettings, clientSuffix: string): KafkaConfig {
  const config: KafkaConfig = {
    clientId: `${settings.clientId}.${clientSuffix}`,
    brokers: settings.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator,
  };
  if (settings.ssl) {
    config.ssl = settings.ssl.ca
      ? { rejectUnauthorized: true, ca: settings.ssl.ca }
      : { rejectUnauthorized: true };
  }
  if (settings.sasl) {
    config.sasl = saslOptions(settings.sasl);
  }
  return config;
}

/** kafkajs types each mechanism's options apart. */
function saslOptions({ mechanism, username, password }: KafkaSasl): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

type RequestEvent = InstrumentationEvent<{ apiName: string; clientId: string }>;

/** Counts each request a client sends (platforma_kafka_requests): how many round trips the brokers serve, by API. */
function countRequest({ payload }: RequestEvent): void {
  messagingMetrics().kafkaRequests.add(1, { api: payload.apiName, client: payload.clientId });
}

/** The kafkajs client whose consumers, producers and admins count their requests. */
class CountingKafka extends Kafka {
  override consumer(config: ConsumerConfig) {
    const consumer = super.consumer(config);
    consumer.on(consumer.events.REQUEST, countRequest);
    return consumer;
  }

  override producer(config?: ProducerConfig) {
    const producer = super.producer(config);
    producer.on(producer.events.REQUEST, countRequest);
    return producer;
  }

  override admin(config?: AdminConfig) {
    const admin = super.admin(config);
    admin.on(admin.events.REQUEST, countRequest);
    return admin;
  }
}

export function createKafka(settings: MessagingSettings, clientSuffix: string): Kafka {
  instrumentKafkajs();
  return new CountingKafka(kafkaClientConfig(settings, clientSuffix));
}

/**
 * A group member as every long-running consumer here runs it. A fetch waits up to maxWaitTimeInMs only while
 * nothing is there to read (the broker answers as soon as a record arrives), so the wait costs no latency; a
 * longer one means fewer empty fetches from an idle process.
 */
export function groupConsumerConfig(settings: MessagingSettings, groupId: string): ConsumerConfig {
  const sessionTimeout = settings.sessionTimeoutMs ?? 30_000;
  return {
    groupId,
    sessionTimeout,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 10_000 },
  };
}
