/** What the messaging layer needs from the environment; the apps map their validated config onto it. */
export interface MessagingSettings {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name; lets test suites and environments share one broker. */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** How many partitions one consumer works on at once (order is kept within each partition). */
  partitionsConcurrency: number;
  /** A consumer that sends no heartbeat for this long is dropped from its group (handlers heartbeat while working). */
  sessionTimeoutMs?: number;
}

export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
