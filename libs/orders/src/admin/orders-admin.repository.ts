import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type KeysetPosition, keysetTimeSql } from '@app/platform';
import type { AdminBillingCycle, AdminOrderStatus, AdminOrderView } from './orders-admin.view.js';

export interface OrderFilter {
  status?: AdminOrderStatus;
  tenantId?: string;
  planId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  after?: KeysetPosition;
  limit: number;
}

export interface AdminOrderRow {
  id: string;
  tenant_id: string;
  plan_id: string;
  status: AdminOrderStatus;
  region: string;
  hostname: string;
  billing_cycle: AdminBillingCycle;
  /** bigint columns arrive as text. */
  price_minor: string;
  setup_fee_minor: string;
  currency: string;
  service_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** created_at to the microsecond, for the keyset cursor. */
  cursorAt: string;
}

export function toAdminOrderView(row: AdminOrderRow): AdminOrderView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    planId: row.plan_id,
    status: row.status,
    region: row.region,
    hostname: row.hostname,
    billingCycle: row.billing_cycle,
    priceMinor: Number(row.price_minor),
    setupFeeMinor: Number(row.setup_fee_minor),
    currency: row.currency,
    serviceId: row.service_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The back office's read of orders across tenants. */
@Injectable()
export class OrdersAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One page newest first, by keyset on (created_at, id): a page starts strictly after the previous page's last
   * row, so orders placed while an operator pages (newer than the first page) neither shift nor repeat rows. One
   * index (migration BackOfficeLists) serves every filter: the hot path rewrites each index at every status change.
   */
  list(filter: OrderFilter): Promise<AdminOrderRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.status) {
      where.push(`o.status = ${param(filter.status)}`);
    }
    if (filter.tenantId) {
      where.push(`o.tenant_id = ${param(filter.tenantId)}`);
    }
    if (filter.planId) {
      where.push(`o.plan_id = ${param(filter.planId)}`);
    }
    if (filter.createdFrom) {
      where.push(`o.created_at >= ${param(filter.createdFrom)}`);
    }
    if (filter.createdTo) {
      where.push(`o.created_at < ${param(filter.createdTo)}`);
    }
    if (filter.after) {
      where.push(
        `(o.created_at, o.id) < (${param(filter.after.at)}::timestamptz, ${param(filter.after.id)}::uuid)`,
      );
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.dataSource.manager.query(
      `SELECT o.id, o.tenant_id, o.plan_id, o.status, o.region, o.hostname, o.billing_cycle, o.price_minor,
              o.setup_fee_minor, o.currency, o.service_id, o.created_at, o.updated_at,
              ${keysetTimeSql('o.created_at')} AS "cursorAt"
         FROM orders."order" o ${whereSql}
        ORDER BY o.created_at DESC, o.id DESC LIMIT ${param(filter.limit)}`,
      params,
    );
  }
}
