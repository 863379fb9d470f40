import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/platform';
import { SchemaBrowserService } from './schema-browser.service.js';
import type { EventSchemaDetailView, SchemaCatalogView } from './schema-browser.view.js';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/schemas')
export class SchemasController {
  constructor(private readonly schemas: SchemaBrowserService) {}

  /** Every event type with its versions, producer, consumers and topics; retired types apart. */
  @Get()
  list(): SchemaCatalogView {
    return this.schemas.list();
  }

  /** One type: each version's JSON Schema and example, the upcasters' work, its topics' settings on the broker. */
  @Get(':type')
  get(@Param('type') type: string): Promise<EventSchemaDetailView> {
    return this.schemas.get(type);
  }
}
