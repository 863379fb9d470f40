import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, LessThan } from 'typeorm';
import { AccountCredit } from '../entities/account-credit.entity.js';
import { CreditEntry } from '../entities/credit-entry.entity.js';

/** The account credit balances and their ledger; every read is scoped by tenant. */
@Injectable()
export class CreditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The balance row, created at 0 if new, locked until the caller's transaction ends. */
  async lockBalance(
    manager: EntityManager,
    tenantId: string,
    accountId: string,
    currency: string,
  ): Promise<AccountCredit> {
    await manager.query(
      `INSERT INTO billing.account_credit (account_id, currency, tenant_id, balance_minor)
       VALUES ($1, $2, $3, 0) ON CONFLICT (account_id, currency) DO NOTHING`,
      [accountId, currency, tenantId],
    );
    return manager.findOneOrFail(AccountCredit, {
      where: { accountId, currency, tenantId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Moves the (locked) balance and records why, in one go. */
  async move(manager: EntityManager, balance: AccountCredit, entry: CreditEntry): Promise<void> {
    balance.balanceMinor += entry.amountMinor;
    balance.updatedAt = entry.createdAt;
    await manager.update(
      AccountCredit,
      { accountId: balance.accountId, currency: balance.currency },
      { balanceMinor: balance.balanceMinor, updatedAt: balance.updatedAt },
    );
    await manager.insert(CreditEntry, entry);
  }

  balances(tenantId: string, accountId: string): Promise<AccountCredit[]> {
    return this.dataSource.manager.find(AccountCredit, {
      where: { tenantId, accountId },
      order: { currency: 'ASC' },
    });
  }

  entries(tenantId: string, accountId: string, limit: number, before?: string): Promise<CreditEntry[]> {
    return this.dataSource.manager.find(CreditEntry, {
      where: { tenantId, accountId, ...(before ? { id: LessThan(before) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
