import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/platform';
import { AuditEventsService } from './audit-events.service.js';
import type { AdminActionView, AuditEventView, EventRecords, Page } from './admin-api.view.js';
import { AuditPageQuery } from './dto/audit-page.query.js';
import { ListEventsQuery } from './dto/list-events.query.js';
import { SearchEventsQuery } from './dto/search-events.query.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/audit')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  @Get('events')
  list(@Query() query: ListEventsQuery): Promise<Page<AuditEventView>> {
    return this.events.list(query);
  }

  @Get('search')
  search(@Query() query: SearchEventsQuery): Promise<Page<AuditEventView>> {
    return this.events.search(query);
  }

  @Get('events/:eventId')
  byEventId(@Param('eventId') eventId: string): Promise<EventRecords> {
    return this.events.byEventId(eventId);
  }

  @Get('actions')
  actions(@Query() query: AuditPageQuery): Promise<Page<AdminActionView>> {
    return this.events.listActions(query);
  }
}
