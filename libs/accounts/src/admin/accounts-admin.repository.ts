import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type KeysetPosition, keysetTimeSql } from '@app/platform';
import type {
  AdminAccountKind,
  AdminAccountStatus,
  AdminAccountView,
  AdminSuspensionReason,
} from './accounts-admin.view.js';

export interface AccountFilter {
  status?: AdminAccountStatus;
  email?: string;
  emailPrefix?: string;
  tenantId?: string;
  after?: KeysetPosition;
  limit: number;
}

export interface AdminAccountRow {
  id: string;
  kind: AdminAccountKind;
  name: string;
  email: string;
  country: string;
  currency: string;
  status: AdminAccountStatus;
  suspension_reason: AdminSuspensionReason | null;
  suspension_note: string | null;
  suspended_at: Date | null;
  suspended_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** created_at to the microsecond, for the keyset cursor. */
  cursorAt: string;
}

export interface Suspension {
  reason: AdminSuspensionReason;
  note: string | null;
  at: Date;
  by: string;
}

const COLUMNS = `a.id, a.kind, a.name, a.email, a.country, a.currency, a.status, a.suspension_reason,
  a.suspension_note, a.suspended_at, a.suspended_by, a.created_at, a.updated_at,
  ${keysetTimeSql('a.created_at')} AS "cursorAt"`;

/** LIKE's wildcards and its escape character, taken literally. */
export function likePrefix(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function toAdminAccountView(row: AdminAccountRow): AdminAccountView {
  return {
    id: row.id,
    tenantId: row.id,
    kind: row.kind,
    name: row.name,
    email: row.email,
    country: row.country,
    currency: row.currency,
    status: row.status,
    suspension:
      row.status === 'suspended' && row.suspension_reason !== null && row.suspended_at !== null
        ? {
            reason: row.suspension_reason,
            note: row.suspension_note,
            at: row.suspended_at.toISOString(),
            by: row.suspended_by,
          }
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The back office's reads and writes of accounts across tenants. */
@Injectable()
export class AccountsAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page newest first, by keyset on (created_at, id): the indexes of migration BackOfficeLists serve each filter. */
  list(filter: AccountFilter): Promise<AdminAccountRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.status) {
      where.push(`a.status = ${param(filter.status)}`);
    }
    if (filter.tenantId) {
      where.push(`a.id = ${param(filter.tenantId)}`);
    }
    if (filter.email) {
      where.push(`lower(a.email) = ${param(filter.email.toLowerCase())}`);
    }
    if (filter.emailPrefix) {
      where.push(`lower(a.email) LIKE ${param(likePrefix(filter.emailPrefix))}`);
    }
    if (filter.after) {
      where.push(
        `(a.created_at, a.id) < (${param(filter.after.at)}::timestamptz, ${param(filter.after.id)}::uuid)`,
      );
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.dataSource.manager.query(
      `SELECT ${COLUMNS} FROM accounts.account a ${whereSql}
        ORDER BY a.created_at DESC, a.id DESC LIMIT ${param(filter.limit)}`,
      params,
    );
  }

  async find(manager: EntityManager, id: string): Promise<AdminAccountRow | undefined> {
    const rows: AdminAccountRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM accounts.account a WHERE a.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Locks the account row: suspensions and lifts of one account go one at a time. */
  async lock(manager: EntityManager, id: string): Promise<AdminAccountRow | undefined> {
    const rows: AdminAccountRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM accounts.account a WHERE a.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  async suspend(manager: EntityManager, id: string, suspension: Suspension): Promise<void> {
    await manager.query(
      `UPDATE accounts.account SET status = 'suspended', suspension_reason = $2, suspension_note = $3,
              suspended_at = $4, suspended_by = $5, updated_at = $4
        WHERE id = $1`,
      [id, suspension.reason, suspension.note, suspension.at, suspension.by],
    );
  }

  async lift(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE accounts.account SET status = 'active', suspension_reason = NULL, suspension_note = NULL,
              suspended_at = NULL, suspended_by = NULL, updated_at = $2
        WHERE id = $1`,
      [id, at],
    );
  }
}
