import { Injectable } from '@nestjs/common';
import { TokenService } from '@app/platform';
import { AccountRepository } from './account.repository.js';
import { AccountsErrorCode, AccountsException } from './accounts.exception.js';
import { parseApiKey, secretMatches } from './api-key.js';

export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** API key → short-lived signed token; every app verifies it with the public key alone. */
@Injectable()
export class AuthService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly tokens: TokenService,
  ) {}

  async exchange(apiKey: string): Promise<AccessToken> {
    const parsed = parseApiKey(apiKey);
    const credential = parsed ? await this.accounts.findCredential(parsed.id) : undefined;
    if (
      !parsed ||
      !credential ||
      credential.key.revokedAt ||
      !secretMatches(parsed.secret, credential.key.secretHash)
    ) {
      throw new AccountsException(AccountsErrorCode.InvalidApiKey);
    }
    if (credential.account.status === 'suspended') {
      throw new AccountsException(AccountsErrorCode.AccountSuspended);
    }
    await this.accounts.touchKey(parsed.id);
    const { token, expiresIn } = await this.tokens.issue({
      tenantId: credential.account.id,
      userId: credential.user.id,
      role: credential.user.role,
    });
    return { accessToken: token, tokenType: 'Bearer', expiresIn };
  }
}
