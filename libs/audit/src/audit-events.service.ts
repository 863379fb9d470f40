import { Inject, Injectable } from '@nestjs/common';
import { MESSAGING_SETTINGS, type MessagingSettings } from '@app/messaging';
import { AdminActionRepository } from './admin-action.repository.js';
import { AuditErrorCode, AuditException } from './audit.exception.js';
import type { AdminActionView, AuditEventView, EventRecords, Page } from './admin-api.view.js';
import { pageOf, toActionView, toEventView } from './audit.view.js';
import { DEFAULT_LIMIT, type AuditPageQuery } from './dto/audit-page.query.js';
import type { ListEventsQuery } from './dto/list-events.query.js';
import type { SearchEventsQuery } from './dto/search-events.query.js';
import { EventLogRepository, type EventFilter, type EventSearch } from './event-log.repository.js';
import { containments, payloadId } from './payload-search.js';

/** Reading the log and the operators' trail. */
@Injectable()
export class AuditEventsService {
  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: MessagingSettings,
    private readonly log: EventLogRepository,
    private readonly actions: AdminActionRepository,
  ) {}

  private get prefix(): string {
    return this.settings.topicPrefix;
  }

  /** Accepts a topic with or without the environment prefix. */
  topicName(topic: string): string {
    return topic.startsWith(this.prefix) ? topic : this.prefix + topic;
  }

  async list(query: ListEventsQuery): Promise<Page<AuditEventView>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.log.list(this.filterOf(query), limit + 1, query.cursor);
    return pageOf(rows, limit, toEventView);
  }

  /** By an id the payload names, a payload field's value and/or a time range; newest first (occurredAt). */
  async search(query: SearchEventsQuery): Promise<Page<AuditEventView>> {
    if ((query.path === undefined) !== (query.value === undefined)) {
      throw new AuditException(AuditErrorCode.InvalidFilter, 'path and value go together');
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const search: EventSearch = {
      ...this.filterOf(query),
      payloadId: query.id === undefined ? undefined : payloadId(query.id),
      containsAnyOf:
        query.path === undefined || query.value === undefined
          ? undefined
          : containments(query.path, query.value),
    };
    const rows = await this.log.search(search, limit + 1, query.cursor);
    return pageOf(rows, limit, toEventView);
  }

  private filterOf(query: ListEventsQuery): EventFilter {
    const filter: EventFilter = {
      type: query.type,
      tenantId: query.tenantId,
      correlationId: query.correlationId,
      orderId: query.orderId,
      topic: query.topic === undefined ? undefined : this.topicName(query.topic),
      deadLetter: query.deadLetter === undefined ? undefined : query.deadLetter === 'true',
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    };
    for (const [name, date] of [
      ['from', filter.from],
      ['to', filter.to],
    ] as const) {
      if (date !== undefined && Number.isNaN(date.getTime())) {
        throw new AuditException(AuditErrorCode.InvalidFilter, `${name} is not a valid instant`);
      }
    }
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new AuditException(AuditErrorCode.InvalidFilter, 'from is after to');
    }
    return filter;
  }

  async byEventId(eventId: string): Promise<EventRecords> {
    const rows = await this.log.byEventId(eventId);
    if (rows.length === 0) {
      throw new AuditException(AuditErrorCode.EventNotFound);
    }
    return { eventId, records: rows.map(toEventView) };
  }

  async listActions(query: AuditPageQuery): Promise<Page<AdminActionView>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.actions.list(limit + 1, query.cursor);
    return pageOf(rows, limit, toActionView);
  }
}
