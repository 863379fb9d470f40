import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DomainDescriptor } from '../domain.js';
import { EventProducer } from '../kafka/event.producer.js';
import { MESSAGING_SETTINGS, type MessagingSettings } from '../messaging.settings.js';
import { RelayHostService } from '../outbox/relay-host.service.js';
import { EventSchemasService } from '../validation/event-schemas.service.js';
import { DEFAULT_RETRY_POLICY, EventConsumerServer, type RetryPolicy } from './event-consumer.server.js';

/** Builds the Kafka server (Nest custom transport) a domain's @EventPattern handlers are connected to. */
@Injectable()
export class ConsumerFactory {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly schemas: EventSchemasService,
    private readonly producer: EventProducer,
    private readonly relays: RelayHostService,
  ) {}

  create(domain: DomainDescriptor, retry: RetryPolicy = DEFAULT_RETRY_POLICY): EventConsumerServer {
    return new EventConsumerServer(
      domain,
      this.settings,
      this.dataSource,
      this.relays.outboxOf(domain.name),
      this.schemas,
      this.producer,
      retry,
    );
  }
}
