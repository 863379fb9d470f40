import { type DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DomainDescriptor } from './domain.js';
import { EventProducer } from './kafka/event-producer.js';
import { MESSAGING_SETTINGS, type MessagingSettings } from './messaging.settings.js';
import { Outbox } from './outbox/outbox.service.js';
import { RelayHost } from './outbox/relay-host.service.js';
import { TopicAdmin } from './topics/topic-admin.service.js';
import { EventSchemas } from './validation/event-schemas.service.js';
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
        EventSchemas,
        TopicAdmin,
        RelayHost,
        ConsumerFactory,
      ],
      exports: [MESSAGING_SETTINGS, EventProducer, EventSchemas, TopicAdmin, RelayHost, ConsumerFactory],
    };
  }

  static forDomain(domain: DomainDescriptor): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        // Also makes each domain's dynamic module distinct for Nest's module de-duplication.
        { provide: DOMAIN_DESCRIPTOR, useValue: domain },
        {
          provide: Outbox,
          inject: [getDataSourceToken(), EventSchemas, MESSAGING_SETTINGS, RelayHost],
          useFactory: (
            dataSource: DataSource,
            schemas: EventSchemas,
            settings: MessagingSettings,
            relays: RelayHost,
          ) => {
            const outbox = new Outbox(domain, dataSource, schemas, settings.topicPrefix);
            relays.register(outbox);
            return outbox;
          },
        },
      ],
      exports: [Outbox],
    };
  }
}
