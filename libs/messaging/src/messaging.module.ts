import { type DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DomainDescriptor } from './domain.js';
import { EventProducer } from './kafka/event.producer.js';
import { MESSAGING_SETTINGS, type MessagingSettings } from './messaging.settings.js';
import { OutboxService } from './outbox/outbox.service.js';
import { RelayHostService } from './outbox/relay-host.service.js';
import { ConsumerGroupAdminService } from './topics/consumer-group-admin.service.js';
import { TopicAdminService } from './topics/topic-admin.service.js';
import { EventSchemasService } from './validation/event-schemas.service.js';
import { ConsumerFactory } from './consumer/consumer.factory.js';

export const DOMAIN_DESCRIPTOR = Symbol('DOMAIN_DESCRIPTOR');

@Global()
@Module({})
class MessagingCoreModule {}

/**
 * forRoot once per process (settings, producer, schemas, topic admin); forDomain in each domain module (its outbox,
 * its relay, its consumer).
 */
@Module({})
export class MessagingModule {
  static forRoot(settings: () => MessagingSettings): DynamicModule {
    return {
      module: MessagingCoreModule,
      global: true,
      providers: [
        { provide: MESSAGING_SETTINGS, useFactory: settings },
        EventProducer,
        EventSchemasService,
        TopicAdminService,
        ConsumerGroupAdminService,
        RelayHostService,
        ConsumerFactory,
      ],
      exports: [
        MESSAGING_SETTINGS,
        EventProducer,
        EventSchemasService,
        TopicAdminService,
        ConsumerGroupAdminService,
        RelayHostService,
        ConsumerFactory,
      ],
    };
  }

  static forDomain(domain: DomainDescriptor): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        // Also makes each domain's dynamic module distinct for Nest's module de-duplication.
        { provide: DOMAIN_DESCRIPTOR, useValue: domain },
        {
          provide: OutboxService,
          inject: [getDataSourceToken(), EventSchemasService, MESSAGING_SETTINGS, RelayHostService],
          useFactory: (
            dataSource: DataSource,
            schemas: EventSchemasService,
            settings: MessagingSettings,
            relays: RelayHostService,
          ) => {
            const outbox = new OutboxService(domain, dataSource, schemas, settings.topicPrefix);
            relays.register(outbox);
            return outbox;
          },
        },
      ],
      exports: [OutboxService],
    };
  }
}
