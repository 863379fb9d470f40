import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/platform';
import { ListOrdersAdminQuery } from '../dto/list-orders-admin.query.js';
import { OrdersAdminService } from './orders-admin.service.js';
import type { AdminOrderPage } from './orders-admin.view.js';

/**
 * GET /v1/admin/orders exactly: the paths below it (/v1/admin/orders/:id/…) are the audit module's order timeline,
 * and the gateway routes this one path to orders by an exact-match location (deploy/gateway/nginx.conf).
 */
@ApiTags('orders')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/admin/orders')
export class OrdersAdminController {
  constructor(private readonly orders: OrdersAdminService) {}

  /** This environment's orders across tenants, newest first: by status, tenant, plan, created from/to. */
  @Get()
  list(@Query() query: ListOrdersAdminQuery): Promise<AdminOrderPage> {
    return this.orders.list(query);
  }
}
