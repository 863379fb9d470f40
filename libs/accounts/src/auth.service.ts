import { Injectable } from '@nestjs/common';
import { AuthBackoffService, TokenService } from '@app/platform';
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
    private readonly backoff: AuthBackoffService,
  ) {}

  /** `client` is the caller's address: failures there and on the key's id make each side wait (AuthBackoffService). */
  async exchange(apiKey: string, client: string | undefined): Promise<AccessToken> {
    const parsed = parseApiKey(apiKey);
    const attempt = { client, keyId: parsed?.id };
    this.backoff.assertAllowed(attempt);
    const credential = parsed ? await this.accounts.findCredential(parsed.id) : undefined;
    if (
      !parsed ||
      !credential ||
      credential.key.revokedAt ||
      !secretMatches(parsed.secret, credential.key.secretHash)
    ) {
      this.backoff.recordFailure(attempt);
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
