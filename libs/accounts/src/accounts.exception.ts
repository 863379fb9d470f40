import { problemsOf } from '@app/platform';

export enum AccountsErrorCode {
  EmailTaken = 'email-taken',
  InvalidApiKey = 'invalid-api-key',
  AccountSuspended = 'account-suspended',
  AccountNotFound = 'account-not-found',
}

const STATUS: Record<AccountsErrorCode, [number, string]> = {
  [AccountsErrorCode.EmailTaken]: [409, 'An account with this email already exists'],
  [AccountsErrorCode.InvalidApiKey]: [401, 'The API key is not valid'],
  [AccountsErrorCode.AccountSuspended]: [403, 'The account is suspended'],
  [AccountsErrorCode.AccountNotFound]: [404, 'No such account'],
};

export class AccountsException extends problemsOf(STATUS) {}
