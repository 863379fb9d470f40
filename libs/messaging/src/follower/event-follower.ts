import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Admin, Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { type EventType, eventDefinition } from '@app/contracts';
import { ConsumerSupervisor } from '../consumer/consumer-supervisor.js';
import { decodeEnvelope } from '../envelope/envelope.codec.js';
import { createKafka, groupConsumerConfig } from '../kafka/kafka.factory.js';
import type { MessagingSettings } from '../messaging.settings.js';
import type { EventSchemasService } from '../validation/event-schemas.service.js';

/** A validated event as a follower sees it: enough to fold it into an in-memory view. */
export interface FollowedEvent {
  type: EventType;
  /** When the producer published it (ce_time), milliseconds since the epoch. */
  time: number;
  tenantId: string;
  data: unknown;
}

export interface EventFollowerOptions {
  /** Group name without prefix or instance id, e.g. `platforma.access.orders`; each instance gets its own group. */
  group: string;
  types: EventType[];
  /** Must be idempotent and order-insensitive across topics: a restart reads everything again. */
  apply: (event: FollowedEvent) => void;
}

/**
 * Every instance of a process reads every record of a few topics from the beginning, into memory: what a view that
 * each instance must hold in full needs (a shared consumer group would split the partitions between instances).
 * It commits nothing; its group is its own and is deleted when it stops. A record that is not a valid event of the
 * catalog's source module is skipped and logged, never applied: only that module may write the topic.
 */
export class EventFollower {
  private readonly context: string;
  private readonly log: Logger;
  private readonly kafka: Kafka;
  private readonly groupId: string;
  private consumer?: Consumer;
  private supervisor?: ConsumerSupervisor;
  private caughtUp?: Promise<void>;

  constructor(
    private readonly settings: MessagingSettings,
    private readonly schemas: EventSchemasService,
    private readonly options: EventFollowerOptions,
  ) {
    this.groupId = `${settings.topicPrefix}${options.group}.${randomUUID().slice(0, 8)}`;
    this.context = `EventFollower:${options.group}`;
    this.log = new Logger(this.context);
    this.kafka = createKafka(settings, 'follower');
  }

  /** Resolves once the records the topics held when it was called have been applied. */
  start(): Promise<void> {
    this.supervisor ??= new ConsumerSupervisor(this.groupId, () => this.restart(), this.context);
    return (this.caughtUp ??= this.run());
  }

  async stop(): Promise<void> {
    this.supervisor?.close();
    this.supervisor = undefined;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }

  private async restart(): Promise<void> {
    const stopped = this.consumer;
    this.consumer = undefined;
    await stopped?.disconnect().catch(() => undefined);
    if (this.supervisor) {
      await this.run();
    }
  }

  private async run(): Promise<void> {
    const topics = this.options.types.map((t) => this.settings.topicPrefix + t);
    const pending = await this.highWatermarks(topics);
    let reached!: () => void;
    const caughtUp = new Promise<void>((resolve) => (reached = resolve));
    const settle = (topic: string, partition: number, offset: number) => {
      const key = `${topic}/${partition}`;
      const last = pending.get(key);
      if (last !== undefined && offset >= last) {
        pending.delete(key);
      }
      if (pending.size === 0) {
        reached();
      }
    };
    if (pending.size === 0) {
      reached();
    }
    const consumer = this.kafka.consumer(groupConsumerConfig(this.settings, this.groupId));
    this.supervisor?.watch(consumer);
    this.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: (payload) => {
          this.apply(payload);
          settle(payload.topic, payload.partition, Number(payload.message.offset));
          return Promise.resolve();
        },
      });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    await caughtUp;
  }

  /** The offset of the last record each non-empty partition holds now. */
  private async highWatermarks(topics: string[]): Promise<Map<string, number>> {
    const pending = new Map<string, number>();
    for (const topic of topics) {
      for (const { partition, high, low } of await this.offsetsOf(topic)) {
        if (Number(high) > Number(low)) {
          pending.set(`${topic}/${partition}`, Number(high) - 1);
        }
      }
    }
    return pending;
  }

  /**
   * Right after topics are created their partitions may have no leader yet, or an admin's metadata names an old one:
   * kafkajs then gives up (NOT_LEADER_FOR_PARTITION is not retried there) and keeps that metadata for minutes, so
   * each attempt uses a new admin. It passes within seconds.
   */
  private async offsetsOf(topic: string): ReturnType<Admin['fetchTopicOffsets']> {
    for (let attempt = 1; ; attempt++) {
      const admin: Admin = this.kafka.admin();
      try {
        await admin.connect();
        return await admin.fetchTopicOffsets(topic);
      } catch (error) {
        if (attempt >= 60) {
          throw error;
        }
        this.log.warn(`offsets of ${topic} not readable yet (${(error as Error).message}), again`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }

  private apply({ topic, partition, message }: EachMessagePayload): void {
    try {
      const envelope = decodeEnvelope(message);
      const type = topic.slice(this.settings.topicPrefix.length) as EventType;
      if (envelope.type !== type || !this.options.types.includes(type)) {
        throw new Error(`type ${envelope.type} on topic ${topic}`);
      }
      if (envelope.source !== eventDefinition(type).source) {
        throw new Error(`source ${envelope.source} is not ${eventDefinition(type).source}`);
      }
      const time = Date.parse(envelope.time);
      const checked = this.schemas.accept(type, envelope.version, envelope.data);
      if (!checked.ok || Number.isNaN(time)) {
        throw new Error(checked.ok ? 'ce_time is not a date' : checked.errors.join('; '));
      }
      this.options.apply({ type, time, tenantId: envelope.tenantid, data: checked.data });
    } catch (error) {
      this.log.error(`skipped ${topic}/${partition}@${message.offset}: ${(error as Error).message}`);
    }
  }
}
