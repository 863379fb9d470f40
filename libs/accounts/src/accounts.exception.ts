import { problemsOf } from '@app/platform';

export enum AccountsErrorCode {
  EmailTaken = 'email-taken',
  VerificationTokenInvalid = 'verification-token-invalid',
  VerificationTokenUsed = 'verification-token-used',
  VerificationTokenExpired = 'verification-token-expired',
  InvalidApiKey = 'invalid-api-key',
  AccountSuspended = 'account-suspended',
  AccountNotFound = 'account-not-found',
  OperatorAccount = 'operator-account',
  AccountAlreadySuspended = 'account-already-suspended',
  AccountNotSuspended = 'account-not-suspended',
  ApiKeyNotFound = 'api-key-not-found',
  LastApiKey = 'last-api-key',
  ApiKeyLimit = 'api-key-limit',
}

const STATUS: Record<AccountsErrorCode, [number, string]> = {
  [AccountsErrorCode.EmailTaken]: [409, 'An account with this email already exists'],
  [AccountsErrorCode.VerificationTokenInvalid]: [400, 'The verification link is not valid'],
  [AccountsErrorCode.VerificationTokenUsed]: [410, 'The verification link was used already'],
  [AccountsErrorCode.VerificationTokenExpired]: [410, 'The verification link has expired: sign up again'],
  [AccountsErrorCode.InvalidApiKey]: [401, 'The API key is not valid'],
  [AccountsErrorCode.AccountSuspended]: [403, 'The account is suspended'],
  [AccountsErrorCode.AccountNotFound]: [404, 'No such account'],
  [AccountsErrorCode.OperatorAccount]: [409, 'The operator account cannot be suspended'],
  [AccountsErrorCode.AccountAlreadySuspended]: [409, 'The account is suspended already'],
  [AccountsErrorCode.AccountNotSuspended]: [409, 'The account is not suspended'],
  [AccountsErrorCode.ApiKeyNotFound]: [404, 'No such API key'],
  [AccountsErrorCode.LastApiKey]: [
    409,
    'The last active API key cannot be revoked: create another one first',
  ],
  [AccountsErrorCode.ApiKeyLimit]: [409, 'The account has as many active API keys as it may'],
};

export class AccountsException extends problemsOf(STATUS) {}
