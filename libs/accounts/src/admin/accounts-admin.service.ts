import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OutboxService } from '@app/messaging';
import { ADMIN_PAGE_DEFAULT_LIMIT, decodeCursor, keysetPage } from '@app/platform';
import { AccountsErrorCode, AccountsException } from '../accounts.exception.js';
import type { ListAccountsAdminQuery } from '../dto/list-accounts-admin.query.js';
import type { SuspendAccountDto } from '../dto/suspend-account.dto.js';
import type { UnsuspendAccountDto } from '../dto/unsuspend-account.dto.js';
import {
  AccountsAdminRepository,
  type AdminAccountRow,
  toAdminAccountView,
} from './accounts-admin.repository.js';
import type { AdminAccountPage, AdminAccountView } from './accounts-admin.view.js';

/**
 * The back office's accounts: every account across tenants, and their suspension. A suspension or a lift names the
 * operator user who made it and why, on the account and in its event (the audit trail); doing it twice is refused
 * (409), so two operators acting at once learn that one of them came second.
 */
@Injectable()
export class AccountsAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly accounts: AccountsAdminRepository,
  ) {}

  async list(query: ListAccountsAdminQuery): Promise<AdminAccountPage> {
    const limit = query.limit ?? ADMIN_PAGE_DEFAULT_LIMIT;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.accounts.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.email ? { email: query.email } : {}),
      ...(query.emailPrefix ? { emailPrefix: query.emailPrefix } : {}),
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    return keysetPage(rows, limit, toAdminAccountView);
  }

  async get(id: string): Promise<AdminAccountView> {
    return toAdminAccountView(this.orNotFound(await this.accounts.find(this.dataSource.manager, id)));
  }

  async suspend(id: string, dto: SuspendAccountDto, by: string): Promise<AdminAccountView> {
    return this.outbox.transaction(async (uow) => {
      const account = await this.accounts.lock(uow.manager, id);
      // Its admins would lock themselves and every operator process out; nothing could lift it again.
      if (account?.kind === 'operator') {
        throw new AccountsException(AccountsErrorCode.OperatorAccount);
      }
      if (this.orNotFound(account).status === 'suspended') {
        throw new AccountsException(AccountsErrorCode.AccountAlreadySuspended);
      }
      const note = dto.note?.trim() ? dto.note : null;
      await this.accounts.suspend(uow.manager, id, { reason: dto.reason, note, at: new Date(), by });
      await uow.publish(
        'account.suspended',
        { accountId: id, reason: dto.reason, ...(note ? { note } : {}), suspendedBy: by },
        { tenantId: id, subject: id },
      );
      return toAdminAccountView(this.orNotFound(await this.accounts.find(uow.manager, id)));
    });
  }

  async unsuspend(id: string, dto: UnsuspendAccountDto, by: string): Promise<AdminAccountView> {
    return this.outbox.transaction(async (uow) => {
      const account = this.orNotFound(await this.accounts.lock(uow.manager, id));
      if (account.status !== 'suspended') {
        throw new AccountsException(AccountsErrorCode.AccountNotSuspended);
      }
      await this.accounts.lift(uow.manager, id, new Date());
      await uow.publish(
        'account.unsuspended',
        { accountId: id, unsuspendedBy: by, note: dto.note },
        { tenantId: id, subject: id },
      );
      return toAdminAccountView(this.orNotFound(await this.accounts.find(uow.manager, id)));
    });
  }

  private orNotFound(account: AdminAccountRow | undefined): AdminAccountRow {
    if (!account) {
      throw new AccountsException(AccountsErrorCode.AccountNotFound);
    }
    return account;
  }
}
