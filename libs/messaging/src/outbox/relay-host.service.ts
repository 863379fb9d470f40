import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EventProducer } from '../kafka/event.producer.js';
import type { OutboxService } from './outbox.service.js';
import { DEFAULT_RELAY_OPTIONS, OutboxRelay, type RelayOptions } from './outbox-relay.js';

/** Knows every domain outbox in this process and runs one relay for each. */
@Injectable()
export class RelayHostService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly outboxes = new Map<string, OutboxService>();
  private readonly relays = new Map<string, OutboxRelay>();
  private readonly options: RelayOptions = DEFAULT_RELAY_OPTIONS;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
  ) {}

  register(outbox: OutboxService): void {
    this.outboxes.set(outbox.domain.name, outbox);
  }

  outboxOf(domain: string): OutboxService {
    const outbox = this.outboxes.get(domain);
    if (!outbox) {
      throw new Error(`No outbox registered for ${domain}: import MessagingModule.forDomain in its module`);
    }
    return outbox;
  }

  relayOf(domain: string): OutboxRelay | undefined {
    return this.relays.get(domain);
  }

  onApplicationBootstrap(): void {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) {
      throw new Error('The outbox relay needs the DataSource url');
    }
    for (const [name, outbox] of this.outboxes) {
      const relay = new OutboxRelay(outbox.domain, url, this.producer, outbox.topicPrefix, this.options);
      this.relays.set(name, relay);
      relay.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
    this.relays.clear();
  }
}
