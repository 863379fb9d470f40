import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, PLATFORM_TENANT_ID } from '@app/platform';
import { AccountRepository } from './account.repository.js';
import { hashSecret, parseApiKey } from './api-key.js';

const OPERATOR_ADMIN_ID = '00000000-0000-7000-8000-000000000002';

/** Creates the operator's account and its admin user from BOOTSTRAP_ADMIN_API_KEY, once, if configured. */
@Injectable()
export class OperatorBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(OperatorBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly accounts: AccountRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const parsed = parseApiKey(this.config.BOOTSTRAP_ADMIN_API_KEY);
    if (!parsed) {
      return;
    }
    const now = new Date();
    await this.accounts.upsertOperator(
      {
        id: PLATFORM_TENANT_ID,
        kind: 'operator',
        name: 'Operator',
        email: 'operator@platforma.invalid',
        country: 'DE',
        currency: 'EUR',
        status: 'active',
        createdAt: now,
        updatedAt: now,
      },
      {
        id: OPERATOR_ADMIN_ID,
        accountId: PLATFORM_TENANT_ID,
        email: 'admin@platforma.invalid',
        role: 'admin',
        createdAt: now,
      },
      {
        id: parsed.id,
        accountId: PLATFORM_TENANT_ID,
        userId: OPERATOR_ADMIN_ID,
        secretHash: hashSecret(parsed.secret),
        createdAt: now,
        revokedAt: null,
        lastUsedAt: null,
      },
    );
    this.logger.log('operator admin key ensured');
  }
}
