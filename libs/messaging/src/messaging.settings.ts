/** What the messaging layer needs from the environment; the apps map their validated config onto it. */
export interface MessagingSettings {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name; lets test suites and environments share one broker. */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** min.insync.replicas of the topics it creates: acks=all writes fail with fewer replicas in sync. */
  minInsyncReplicas?: number;
  /** How many partitions one consumer works on at once (order is kept within each partition). */
  partitionsConcurrency: number;
  /** A consumer that sends no heartbeat for this long is dropped from its group (handlers heartbeat while working). */
  sessionTimeoutMs?: number;
  /**
   * A consumed record whose value is larger than this goes to its DLQ unread: poison for the handler and the
   * database, whatever the broker let through (its own limit, message.max.bytes, is usually far higher).
   */
  maxRecordBytes?: number;
  /** SASL authentication to the brokers (SCRAM in production); absent: none. */
  sasl?: KafkaSasl;
  /** TLS to the brokers; absent: plain TCP. `ca`: PEM certificates to trust instead of the system's roots. */
  ssl?: { ca?: string[] };
}

export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** What a consumer accepts when the settings say nothing: 1 MiB, the broker's own default message.max.bytes. */
export const DEFAULT_MAX_RECORD_BYTES = 1_048_576;

export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
