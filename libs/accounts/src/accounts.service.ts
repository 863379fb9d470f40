import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { Outbox } from '@app/messaging';
import { AccountRepository } from './account.repository.js';
import { AccountsErrorCode, AccountsException } from './accounts.exception.js';
import { generateApiKey, hashSecret } from './api-key.js';
import type { SignUpDto } from './dto/sign-up.dto.js';
import type { SuspendAccountDto } from './dto/suspend-account.dto.js';
import type { Account } from './entities/account.entity.js';
import { Span } from '@app/platform';

export interface SignUpResult {
  accountId: string;
  userId: string;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class AccountsService {
  constructor(
    private readonly outbox: Outbox,
    private readonly accounts: AccountRepository,
  ) {}

  @Span('accounts.sign_up')
  async signUp(dto: SignUpDto): Promise<SignUpResult> {
    const accountId = uuidv7();
    const userId = uuidv7();
    const key = generateApiKey();
    const now = new Date();
    try {
      await this.outbox.transaction(async (uow) => {
        await this.accounts.insert(
          uow.manager,
          {
            id: accountId,
            kind: dto.kind ?? 'customer',
            name: dto.name,
            email: dto.email,
            country: dto.country,
            currency: dto.currency,
            status: 'active',
            createdAt: now,
            updatedAt: now,
          },
          { id: userId, accountId, email: dto.email, role: 'customer', createdAt: now },
          {
            id: key.id,
            accountId,
            userId,
            secretHash: hashSecret(key.secret),
            createdAt: now,
            revokedAt: null,
            lastUsedAt: null,
          },
        );
        await uow.publish(
          'account.created',
          { accountId, email: dto.email, name: dto.name, country: dto.country, currency: dto.currency },
          { tenantId: accountId, subject: accountId },
        );
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
        throw new AccountsException(AccountsErrorCode.EmailTaken);
      }
      throw error;
    }
    return { accountId, userId, apiKey: key.apiKey };
  }

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
}
