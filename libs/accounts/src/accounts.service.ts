import { Injectable } from '@nestjs/common';
import { AccountRepository } from './account.repository.js';
import { AccountsErrorCode, AccountsException } from './accounts.exception.js';
import type { Account } from './entities/account.entity.js';

@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountRepository) {}

  async get(id: string): Promise<Account> {
    const account = await this.accounts.find(id);
    if (!account) {
      throw new AccountsException(AccountsErrorCode.AccountNotFound);
    }
    return account;
  }
}
