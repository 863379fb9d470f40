import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/platform';
import { ListAdminServicesQuery } from '../dto/list-admin-services.query.js';
import type { AdminServicePage, AdminServiceView } from './services-admin.view.js';
import { ServicesAdminService } from './services-admin.service.js';

/** The back office's services across tenants; their suspend/unsuspend/terminate are billing's (/v1/admin/subscriptions). */
@ApiTags('provisioning')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/services')
export class ServicesAdminController {
  constructor(private readonly services: ServicesAdminService) {}

  /** This environment's services, newest first: by status, tenant or order. */
  @Get()
  list(@Query() query: ListAdminServicesQuery): Promise<AdminServicePage> {
    return this.services.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AdminServiceView> {
    return this.services.get(id);
  }
}
