import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Account } from './entities/account.entity.js';
import { ApiKey } from './entities/api-key.entity.js';
import { User } from './entities/user.entity.js';

export interface Credential {
  key: ApiKey;
  user: User;
  account: Account;
}

/** All reads and writes of accounts, users and keys. */
@Injectable()
export class AccountRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, account: Account, user: User, key: ApiKey): Promise<void> {
    await manager.insert(Account, account);
    await manager.insert(User, user);
    await manager.insert(ApiKey, key);
  }

  /** Idempotent: used for the operator's account and admin key at boot; a changed key replaces the stored hash. */
  async upsertOperator(account: Account, user: User, key: ApiKey): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().insert().into(Account).values(account).orIgnore().execute();
      await manager.createQueryBuilder().insert().into(User).values(user).orIgnore().execute();
      await manager
        .createQueryBuilder()
        .insert()
        .into(ApiKey)
        .values(key)
        .orUpdate(['secret_hash', 'revoked_at'], ['id'])
        .execute();
    });
  }

  find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Account | null> {
    return manager.findOneBy(Account, { id });
  }

  async findCredential(keyId: string): Promise<Credential | undefined> {
    const key = await this.dataSource.manager.findOneBy(ApiKey, { id: keyId });
    if (!key) {
      return undefined;
    }
    const [user, account] = await Promise.all([
      this.dataSource.manager.findOneBy(User, { id: key.userId }),
      this.dataSource.manager.findOneBy(Account, { id: key.accountId }),
    ]);
    return user && account ? { key, user, account } : undefined;
  }

  async touchKey(keyId: string): Promise<void> {
    await this.dataSource.manager.update(ApiKey, { id: keyId }, { lastUsedAt: new Date() });
  }

  async lockForUpdate(manager: EntityManager, id: string): Promise<Account | null> {
    return manager.findOne(Account, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async setStatus(manager: EntityManager, id: string, status: Account['status']): Promise<void> {
    await manager.update(Account, { id }, { status, updatedAt: new Date() });
  }
}
