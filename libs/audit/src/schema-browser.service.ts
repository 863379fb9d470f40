import { Inject, Injectable } from '@nestjs/common';
import { RETIRED_EVENTS, isEventType, type EventType } from '@app/contracts';
import {
  EventSchemasService,
  MESSAGING_SETTINGS,
  type MessagingSettings,
  TopicAdminService,
} from '@app/messaging';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import { schemaCatalog, schemaSummary, schemaVersions } from './schema-browser.js';
import type { EventSchemaDetailView, SchemaCatalogView } from './schema-browser.view.js';

/**
 * The console's schema browser: the event catalog the code is built from (types, versions, schemas, examples,
 * producers and consumers as declared), and each topic's settings as the broker has them.
 */
@Injectable()
export class SchemaBrowserService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly schemas: EventSchemasService,
    private readonly topics: TopicAdminService,
  ) {}

  list(): SchemaCatalogView {
    return schemaCatalog(this.settings.topicPrefix);
  }

  async get(type: string): Promise<EventSchemaDetailView> {
    const known = this.known(type);
    const summary = schemaSummary(known, this.settings.topicPrefix);
    const broker = await this.topics.topicSettings([summary.topic, summary.dlqTopic]);
    return {
      ...summary,
      schemas: schemaVersions(known, (t, version, data) => this.schemas.validate(t, version, data)),
      topics: {
        topic: broker.find((t) => t.topic === summary.topic) ?? null,
        dlq: broker.find((t) => t.topic === summary.dlqTopic) ?? null,
      },
      configured: {
        partitions: this.settings.partitions,
        replicationFactor: this.settings.replicationFactor,
        minInsyncReplicas: this.settings.minInsyncReplicas ?? 1,
      },
    };
  }

  private known(type: string): EventType {
    if (isEventType(type)) {
      return type;
    }
    const retired = RETIRED_EVENTS.find((r) => r.type === type);
    throw new AuditException(
      AuditErrorCode.EventTypeNotFound,
      retired === undefined ? `no event type '${type}'` : `'${type}' is retired: ${retired.reason}`,
    );
  }
}
