import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '@app/platform';
import { AccountRepository } from './account.repository.js';
import { AccountsErrorCode, AccountsException } from './accounts.exception.js';
import { generateApiKey, hashSecret } from './api-key.js';
import type { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import type { ApiKey } from './entities/api-key.entity.js';

/** What a key's owner may see of it: never the secret or its hash. */
export interface ApiKeySummary {
  id: string;
  /** The key's public part, as it starts: `pk_<id>_`. */
  prefix: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeySummary {
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

const MAX_ACTIVE_KEYS = 10;

const summary = (key: ApiKey): ApiKeySummary => ({
  id: key.id,
  prefix: `pk_${key.id}_`,
  name: key.name,
  createdAt: key.createdAt,
  lastUsedAt: key.lastUsedAt,
  revokedAt: key.revokedAt,
});

/** A customer's own API keys. A revoked key exchanges no more tokens; those it got expire within JWT_TTL_SECONDS. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountRepository,
  ) {}

  async list(principal: Principal): Promise<ApiKeySummary[]> {
    return (await this.accounts.listKeys(principal.tenantId)).map(summary);
  }

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    const generated = generateApiKey();
    const key: ApiKey = {
      id: generated.id,
      accountId: principal.tenantId,
      userId: principal.userId,
      secretHash: hashSecret(generated.secret),
      name: dto.name,
      createdAt: new Date(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.dataSource.transaction(async (manager) => {
      if ((await this.accounts.lockActiveKeys(manager, principal.tenantId)).length >= MAX_ACTIVE_KEYS) {
        throw new AccountsException(AccountsErrorCode.ApiKeyLimit);
      }
      await this.accounts.insertKey(manager, key);
    });
    return { ...summary(key), apiKey: generated.apiKey };
  }

  /** Idempotent for a key already revoked; the account keeps at least one active key. */
  async revoke(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const active = await this.accounts.lockActiveKeys(manager, principal.tenantId);
      if (!active.some((k) => k.id === id)) {
        const owned = (await this.accounts.listKeys(principal.tenantId)).some((k) => k.id === id);
        if (owned) {
          return;
        }
        throw new AccountsException(AccountsErrorCode.ApiKeyNotFound);
      }
      if (active.length === 1) {
        throw new AccountsException(AccountsErrorCode.LastApiKey);
      }
      await this.accounts.revokeKey(manager, id);
    });
  }
}
