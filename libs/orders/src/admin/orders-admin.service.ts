import { Injectable } from '@nestjs/common';
import { ADMIN_PAGE_DEFAULT_LIMIT, decodeCursor, keysetPage } from '@app/platform';
import type { ListOrdersAdminQuery } from '../dto/list-orders-admin.query.js';
import { OrdersErrorCode, OrdersException } from '../orders.exception.js';
import { OrdersAdminRepository, toAdminOrderView } from './orders-admin.repository.js';
import type { AdminOrderPage } from './orders-admin.view.js';

/** The back office's orders: every order across tenants, newest first. */
@Injectable()
export class OrdersAdminService {
  constructor(private readonly orders: OrdersAdminRepository) {}

  async list(query: ListOrdersAdminQuery): Promise<AdminOrderPage> {
    const limit = query.limit ?? ADMIN_PAGE_DEFAULT_LIMIT;
    const createdFrom = query.createdFrom === undefined ? undefined : new Date(query.createdFrom);
    const createdTo = query.createdTo === undefined ? undefined : new Date(query.createdTo);
    if (createdFrom && createdTo && createdFrom.getTime() > createdTo.getTime()) {
      throw new OrdersException(OrdersErrorCode.InvalidTimeRange);
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.orders.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.planId ? { planId: query.planId } : {}),
      ...(createdFrom ? { createdFrom } : {}),
      ...(createdTo ? { createdTo } : {}),
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toAdminOrderView);
  }
}
