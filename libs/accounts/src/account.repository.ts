import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { Account } from './entities/account.entity.js';
import { ApiKey } from './entities/api-key.entity.js';
import { User } from './entities/user.entity.js';

/** A key as it is created: its name defaults to "default" (the key issued at sign-up). */
export type NewApiKey = Omit<ApiKey, 'name'> & Partial<Pick<ApiKey, 'name'>>;

export interface Credential {
  key: ApiKey;
  user: User;
  account: Account;
}

/** All reads and writes of accounts, users and keys. */
@Injectable()
export class AccountRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, account: Account, user: User, key: NewApiKey): Promise<void> {
    await manager.insert(Account, account);
    await manager.insert(User, user);
    await manager.insert(ApiKey, key);
  }

  /**
   * Idempotent: used for the operator's account and admin key at boot; a changed key replaces the stored hash, and
   * every other key of the admin user is revoked, so rotating BOOTSTRAP_ADMIN_API_KEY retires the old key.
   */
  async upsertOperator(account: Account, user: User, key: NewApiKey): Promise<void> {
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
      await manager
        .createQueryBuilder()
        .update(ApiKey)
        .set({ revokedAt: () => 'now()' })
        .where('user_id = :userId AND id <> :id AND revoked_at IS NULL', { userId: user.id, id: key.id })
        .execute();
    });
  }

  find(id: string): Promise<Account | null> {
    return this.dataSource.manager.findOneBy(Account, { id });
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

  listKeys(accountId: string): Promise<ApiKey[]> {
    return this.dataSource.manager.find(ApiKey, {
      where: { accountId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Locks the account row: concurrent creations and revocations of its keys go one at a time. */
  async lockActiveKeys(manager: EntityManager, accountId: string): Promise<ApiKey[]> {
    await manager.findOne(Account, { where: { id: accountId }, lock: { mode: 'pessimistic_write' } });
    return manager.find(ApiKey, { where: { accountId, revokedAt: IsNull() } });
  }

  async insertKey(manager: EntityManager, key: ApiKey): Promise<void> {
    await manager.insert(ApiKey, key);
  }

  async revokeKey(manager: EntityManager, id: string): Promise<void> {
    await manager.update(ApiKey, { id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
