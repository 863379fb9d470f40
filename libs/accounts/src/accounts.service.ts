import { Injectable } from '@nestjs/common';
import { Outbox } from '@app/messaging';
import { AccountRepository } from './account.repository.js';
import { AccountsErrorCode, AccountsException } from './accounts.exception.js';
import type { SuspendAccountDto } from './dto/suspend-account.dto.js';
import type { UnsuspendAccountDto } from './dto/unsuspend-account.dto.js';
import type { Account } from './entities/account.entity.js';

@Injectable()
export class AccountsService {
  constructor(
    private readonly outbox: Outbox,
    private readonly accounts: AccountRepository,
  ) {}

  async get(id: string): Promise<Account> {
    const account = await this.accounts.find(id);
    if (!account) {
      throw new AccountsException(AccountsErrorCode.AccountNotFound);
    }
    return account;
  }

  /** Idempotent: suspending a suspended account changes nothing and publishes nothing. */
  async suspend(id: string, dto: SuspendAccountDto): Promise<Account> {
    return this.outbox.transaction(async (uow) => {
      const account = await this.accounts.lockForUpdate(uow.manager, id);
      if (!account) {
        throw new AccountsException(AccountsErrorCode.AccountNotFound);
      }
      // Its admins would lock themselves and every operator process out; nothing could lift it again.
      if (account.kind === 'operator') {
        throw new AccountsException(AccountsErrorCode.OperatorAccount);
      }
      if (account.status !== 'suspended') {
        await this.accounts.setStatus(uow.manager, id, 'suspended');
        await uow.publish(
          'account.suspended',
          { accountId: id, reason: dto.reason, ...(dto.note ? { note: dto.note } : {}) },
          { tenantId: id, subject: id },
        );
        account.status = 'suspended';
      }
      return account;
    });
  }

  /** Idempotent like suspend; `by` is the operator user, recorded in the event for the audit trail. */
  async unsuspend(id: string, dto: UnsuspendAccountDto, by: string): Promise<Account> {
    return this.outbox.transaction(async (uow) => {
      const account = await this.accounts.lockForUpdate(uow.manager, id);
      if (!account) {
        throw new AccountsException(AccountsErrorCode.AccountNotFound);
      }
      if (account.status === 'suspended') {
        await this.accounts.setStatus(uow.manager, id, 'active');
        await uow.publish(
          'account.unsuspended',
          { accountId: id, unsuspendedBy: by, ...(dto.note ? { note: dto.note } : {}) },
          { tenantId: id, subject: id },
        );
        account.status = 'active';
      }
      return account;
    });
  }
}
